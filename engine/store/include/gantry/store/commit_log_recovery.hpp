#pragma once

#include <cstdint>

namespace gantry::store {

class commit_log;

struct recovery_outcome {
    std::int64_t end_offset = 0;        // where the valid log ends; the rest was cut
    std::int64_t records_checked = 0;
    std::int64_t records_dropped = 0;   // body CRC failures skipped in place
};

// Finds where the commit log's valid data ends (specs §5.6), scanning from
// the segment holding `scan_from`: each record's size, magic, lengths and
// recorded offset must agree, and with `check_crc` its body CRC. A record
// with a sound frame but a bad body is dropped in place when a sound record
// follows it (bit rot in the middle); otherwise the first bad record ends
// the log (a torn tail) and everything from it on is cut.
recovery_outcome recover_commit_log(commit_log& log, std::int64_t scan_from, bool check_crc);

} // namespace gantry::store
