#pragma once

#include <optional>
#include <string>

#include <proton/codec.h>

namespace gantry::protocols::amqp {

// The filters of a source terminus that Gantry applies: the JMS selector
// (apache.org:selector-filter:string, as Qpid JMS and Artemis send it).
struct terminus_filter {
    std::string selector_key; // the map key the client used, echoed back
    std::string selector;     // "" for none
};

// Why a source's filter set is refused, as a link condition.
struct filter_refusal {
    const char* condition;
    std::string description;
};

// Reads a source's filter map. Filters Gantry does not know are left out
// (the attach answer omits them, so the client knows they are not applied);
// one it knows and cannot honour is refused.
std::optional<filter_refusal> read_terminus_filter(pn_data_t* filter, terminus_filter& out);

// The filter map of the attach answer: only what is applied.
void write_terminus_filter(pn_data_t* filter, const terminus_filter& applied);

} // namespace gantry::protocols::amqp
