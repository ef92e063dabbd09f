#include "gantry/bridge/topic_rule.hpp"

#include <vector>

#include "gantry/protocols/mqtt/topic_filter.hpp"

namespace gantry::bridge {

namespace {

std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    while (!line.empty()) {
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos) break;
        line.remove_prefix(start);
        const auto end = line.find_first_of(" \t");
        words.push_back(line.substr(0, end));
        line.remove_prefix(end == std::string_view::npos ? line.size() : end);
    }
    return words;
}

// The name `prefix + rest` maps to `other_prefix + rest` when `rest` matches the pattern.
std::optional<std::string> rewrite(std::string_view topic, std::string_view prefix, std::string_view pattern,
                                   std::string_view other_prefix) {
    if (!topic.starts_with(prefix)) return std::nullopt;
    const auto rest = topic.substr(prefix.size());
    if (rest.empty() || !protocols::mqtt::topic_matches(pattern, rest)) return std::nullopt;
    std::string out(other_prefix);
    out += rest;
    return out;
}

} // namespace

std::optional<std::string> topic_rule::to_remote(std::string_view local_topic) const {
    if (!sends()) return std::nullopt;
    return rewrite(local_topic, local_prefix, pattern, remote_prefix);
}

std::optional<std::string> topic_rule::to_local(std::string_view remote_topic) const {
    if (!receives()) return std::nullopt;
    return rewrite(remote_topic, remote_prefix, pattern, local_prefix);
}

topic_rule_result parse_topic_rule(std::string_view line) {
    const auto words = words_of(line);
    if (words.empty()) return {std::nullopt, "is empty; write 'pattern [out|in|both [qos [local-prefix [remote-prefix]]]]'"};
    if (words.size() > 5) return {std::nullopt, "has more than 5 words (pattern direction qos local-prefix remote-prefix)"};
    topic_rule rule;
    rule.pattern = words[0];
    if (words.size() > 1) {
        if (words[1] == "out") rule.direction = direction::out;
        else if (words[1] == "in") rule.direction = direction::in;
        else if (words[1] == "both") rule.direction = direction::both;
        else return {std::nullopt, "direction must be out, in or both, got '" + std::string(words[1]) + "'"};
    }
    if (words.size() > 2) {
        if (words[2].size() != 1 || words[2][0] < '0' || words[2][0] > '2')
            return {std::nullopt, "qos must be 0, 1 or 2, got '" + std::string(words[2]) + "'"};
        rule.qos = static_cast<std::uint8_t>(words[2][0] - '0');
    }
    // Mosquitto's "" stands for no prefix, so a remote prefix can follow none.
    auto prefix = [](std::string_view word) { return word == "\"\"" ? std::string() : std::string(word); };
    if (words.size() > 3) rule.local_prefix = prefix(words[3]);
    if (words.size() > 4) rule.remote_prefix = prefix(words[4]);
    for (const auto& [filter, side] : {std::pair{rule.local_filter(), "local"}, std::pair{rule.remote_filter(), "remote"}}) {
        if (const auto problem = protocols::mqtt::topic_filter_problem(filter, false); !problem.empty())
            return {std::nullopt, std::string(side) + " filter '" + filter + "' " + std::string(problem)};
    }
    return {rule, {}};
}

} // namespace gantry::bridge
