#include "session_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <limits>

#include "gantry/core/core_error.hpp"
#include "gantry/core/json_file.hpp"
#include "byte_text.hpp"
#include "gantry/protocols/naming/hex_text.hpp"
#include "mqtt_log.hpp"

namespace gantry::protocols::mqtt {

using naming::from_hex;
using naming::to_hex;

namespace {

using nlohmann::json;

constexpr auto never = std::numeric_limits<std::int64_t>::max();

json to_json(const delivery_place& place) {
    return {{"filter", place.filter}, {"topic", place.topic}, {"queue", place.queue_id}, {"offset", place.queue_offset}};
}

delivery_place place_from_json(const json& j) {
    return {j.at("filter").get<std::string>(), j.at("topic").get<std::string>(), j.at("queue").get<std::int32_t>(),
            j.at("offset").get<std::int64_t>()};
}

json to_json(const storing_message& m) {
    return {{"topic", m.topic}, {"messageId", m.message_id}, {"since", m.since_ms}};
}

storing_message storing_from_json(const json& j) {
    return {j.at("topic").get<std::string>(), j.at("messageId").get<std::string>(),
            j.value("since", std::int64_t{0})};
}

json to_json(const stored_session& s) {
    json subscriptions = json::array();
    for (const auto& [filter, sub] : s.subscriptions) {
        json j{{"filter", filter}, {"qos", sub.qos}, {"noLocal", sub.no_local},
               {"retainAsPublished", sub.retain_as_published}, {"since", sub.since_ms}};
        if (sub.identifier) j["identifier"] = *sub.identifier;
        subscriptions.push_back(std::move(j));
    }
    json unacked = json::array();
    for (const auto& [place, packet_id] : s.unacked) {
        auto j = to_json(place);
        j["packetId"] = packet_id;
        unacked.push_back(std::move(j));
    }
    json delivered = json::array();
    for (const auto& place : s.qos2_delivered) delivered.push_back(to_json(place));
    json storing = json::array();
    for (const auto& [packet_id, message] : s.qos2_storing) {
        auto j = to_json(message);
        j["packetId"] = packet_id;
        storing.push_back(std::move(j));
    }
    json j{{"generation", s.generation},
           {"expiryInterval", s.expiry_interval},
           {"subscriptions", std::move(subscriptions)},
           {"qos2Received", s.qos2_received},
           {"pubrelSent", s.pubrel_sent},
           {"unacked", std::move(unacked)},
           {"qos2Delivered", std::move(delivered)},
           {"qos2Storing", std::move(storing)}};
    if (s.will) j["will"] = {{"publish", to_hex(to_text(s.will->publish))}, {"due", s.will->due_ms}};
    return j;
}

stored_session from_json(const json& j) {
    stored_session s;
    s.generation = j.at("generation").get<std::string>();
    s.expiry_interval = j.at("expiryInterval").get<std::uint32_t>();
    for (const auto& sub : j.at("subscriptions")) {
        stored_subscription out;
        out.qos = sub.at("qos").get<std::uint8_t>();
        out.no_local = sub.at("noLocal").get<bool>();
        out.retain_as_published = sub.at("retainAsPublished").get<bool>();
        if (sub.contains("identifier")) out.identifier = sub["identifier"].get<std::uint32_t>();
        out.since_ms = sub.value("since", std::int64_t{0}); // absent from files written before it was kept
        s.subscriptions.emplace(sub.at("filter").get<std::string>(), out);
    }
    s.qos2_received = j.at("qos2Received").get<std::set<std::uint16_t>>();
    s.pubrel_sent = j.at("pubrelSent").get<std::set<std::uint16_t>>();
    if (j.contains("unacked")) { // absent from files written before the ids were kept
        for (const auto& u : j["unacked"]) s.unacked.emplace(place_from_json(u), u.at("packetId").get<std::uint16_t>());
    }
    if (j.contains("qos2Delivered")) // absent from files written before they were kept
        for (const auto& place : j["qos2Delivered"]) s.qos2_delivered.insert(place_from_json(place));
    if (j.contains("qos2Storing")) // absent from files written before they were kept
        for (const auto& m : j["qos2Storing"])
            s.qos2_storing.emplace(m.at("packetId").get<std::uint16_t>(), storing_from_json(m));
    if (j.contains("will")) {
        auto publish = from_hex(j["will"].at("publish").get<std::string>());
        if (!publish) throw json::other_error::create(501, "will.publish is not hexadecimal", &j);
        s.will = delayed_will{to_bytes(*publish), j["will"].at("due").get<std::int64_t>()};
    }
    return s;
}

// The key naming each kind of QoS 2 step in a journal record (whose value
// is the packet id); "qos2Received" and "qos2Completed" are the inbound
// ones journals held before outbound steps were kept.
constexpr std::array<std::pair<qos2_step::kind, const char*>, 8> qos2_step_keys{{
    {qos2_step::kind::storing, "qos2Storing"},
    {qos2_step::kind::stored, "qos2Received"},
    {qos2_step::kind::abandoned, "qos2Abandoned"},
    {qos2_step::kind::completed, "qos2Completed"},
    {qos2_step::kind::sent, "qos2Sent"},
    {qos2_step::kind::received, "qos2Pubrec"},
    {qos2_step::kind::refused, "qos2Refused"},
    {qos2_step::kind::acknowledged, "qos2Pubcomp"},
}};

const char* key_of(qos2_step::kind what) {
    for (const auto& [kind, key] : qos2_step_keys)
        if (kind == what) return key;
    return nullptr;
}

// The step a journal record holds, if it holds one.
std::optional<qos2_step> step_from_json(const json& change) {
    for (const auto& [kind, key] : qos2_step_keys) {
        if (!change.contains(key)) continue;
        qos2_step step{kind, change[key].get<std::uint16_t>(), std::nullopt};
        if (change.contains("place")) step.place = place_from_json(change["place"]);
        if (change.contains("message")) step.message = storing_from_json(change["message"]);
        return step;
    }
    return std::nullopt;
}

void apply_step(stored_session& s, const qos2_step& step) {
    const auto id = step.packet_id;
    switch (step.what) {
    case qos2_step::kind::storing:
        if (step.message) s.qos2_storing.insert_or_assign(id, *step.message);
        return;
    case qos2_step::kind::stored:
        s.qos2_storing.erase(id);
        s.qos2_received.insert(id);
        return;
    case qos2_step::kind::abandoned:
    case qos2_step::kind::completed:
        s.qos2_storing.erase(id);
        s.qos2_received.erase(id);
        return;
    case qos2_step::kind::sent:
        if (!step.place) return;
        std::erase_if(s.unacked, [id](const auto& entry) { return entry.second == id; }); // an id names one delivery
        s.unacked.insert_or_assign(*step.place, id);
        return;
    case qos2_step::kind::received:
        s.pubrel_sent.insert(id);
        [[fallthrough]];
    case qos2_step::kind::refused:
        if (!step.place) return;
        s.unacked.erase(*step.place);
        s.qos2_delivered.insert(*step.place);
        return;
    case qos2_step::kind::acknowledged: s.pubrel_sent.erase(id); return;
    }
}

// A connection's state replaces the stored one, except for what only the
// store keeps.
void replace(stored_session& stored, stored_session next) {
    next.qos2_delivered = std::move(stored.qos2_delivered);
    next.qos2_storing = std::move(stored.qos2_storing);
    stored = std::move(next);
}

} // namespace

session_store::session_store(std::filesystem::path file, bool sync, std::uint64_t journal_limit)
    : file_(std::move(file)), journal_limit_(journal_limit) {
    if (!file_.empty())
        journal_ = std::make_unique<session_journal>(std::filesystem::path(file_).replace_extension(".journal"), sync);
}

session_store::~session_store() {
    if (!journal_) return;
    if (compactor_.joinable()) compactor_.join();
    if (!dirty_) return;
    if (const auto ec = compact())
        mqtt_log()->error("cannot write the MQTT sessions to {}: {}; the next start reads them from {} instead",
                          file_.string(), ec.message(), journal_->path().string());
}

std::error_code session_store::load(std::int64_t now_ms) {
    if (file_.empty()) return {};
    std::map<std::string, stored_session> loaded;
    auto found = core::json_file(file_).load([&](const json& document) -> std::error_code {
        try {
            std::map<std::string, stored_session> sessions;
            for (const auto& [client_id, j] : document.at("sessions").items()) sessions.emplace(client_id, from_json(j));
            loaded = std::move(sessions);
            return {};
        } catch (const json::exception&) {
            return core::core_errc::metadata_corrupt;
        }
    });
    if (!found) return found.error();
    std::size_t changes = 0;
    const auto replayed = journal_->replay([&](std::string_view payload) -> std::error_code {
        try {
            const auto change = json::parse(payload);
            const auto client_id = change.at("client").get<std::string>();
            if (change.contains("session")) {
                loaded.insert_or_assign(client_id, from_json(change["session"]));
            } else if (const auto step = step_from_json(change)) {
                // A step of a session a later record may have removed already.
                if (const auto it = loaded.find(client_id); it != loaded.end()) apply_step(it->second, *step);
            } else {
                loaded.erase(client_id);
            }
            ++changes;
            return {};
        } catch (const json::exception&) {
            return core::core_errc::metadata_corrupt;
        }
    });
    if (replayed) return replayed;
    if (changes > 0)
        mqtt_log()->info("MQTT sessions: {} changes since the last snapshot read from {}", changes,
                         journal_->path().string());
    std::lock_guard lock(mutex_);
    dirty_ = changes > 0;
    for (auto& [client_id, session] : loaded) {
        auto& e = sessions_[client_id];
        e.session = std::move(session);
        expire_at(client_id, e, now_ms);
    }
    return {};
}

std::optional<session_store::resumption> session_store::resume(const std::string& client_id, std::uint64_t serial,
                                                                handover on_handover) {
    written change;
    std::optional<resumption> resumed;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(client_id);
        if (it == sessions_.end()) return std::nullopt;
        auto& e = it->second;
        forget_expiry(client_id, e);
        const bool held = e.owner != 0;
        if (held) {
            // A handover already waiting (a third connection) comes from the first holder.
            if (e.handover_from == 0) e.handover_from = e.owner;
            e.on_handover = std::move(on_handover);
        }
        e.owner = serial;
        resumed = resumption{e.session, held};
        if (e.session.will) {
            e.session.will.reset(); // 5.0 §3.1.3.2.2: the client is back before its will was due
            change = record(client_id, &e.session);
        }
    }
    make_durable(change);
    return resumed;
}

std::optional<stored_session> session_store::discard(const std::string& client_id) {
    std::optional<stored_session> session;
    written change;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(client_id);
        if (it == sessions_.end()) return std::nullopt;
        if (it->second.owner == 0) session = std::move(it->second.session);
        forget_expiry(client_id, it->second);
        sessions_.erase(it);
        change = record(client_id, nullptr);
    }
    make_durable(change);
    return session;
}

void session_store::update(const std::string& client_id, std::uint64_t serial, const stored_session& session) {
    written change;
    {
        std::lock_guard lock(mutex_);
        auto [it, inserted] = sessions_.try_emplace(client_id);
        if (!inserted && it->second.owner != serial) return;
        it->second.owner = serial;
        replace(it->second.session, session);
        change = record(client_id, &it->second.session);
    }
    make_durable(change);
}

void session_store::qos2_exchange(const std::string& client_id, std::uint64_t serial, const qos2_step& step) {
    written change;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(client_id);
        if (it == sessions_.end() || it->second.owner != serial) return; // its end state goes to the successor
        apply_step(it->second.session, step);
        change = record_qos2_step(client_id, step);
    }
    make_durable(change);
}

void session_store::check_redelivery_with(redelivery_check check) {
    std::lock_guard lock(mutex_);
    may_redeliver_ = std::move(check);
}

bool session_store::end_connection(const std::string& client_id, std::uint64_t serial, stored_session at_end,
                                   bool keep, std::int64_t now_ms) {
    handover handed_to;
    stored_session handed_state;
    bool taken_over = false;
    written change;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(client_id);
        if (it == sessions_.end()) return true;
        auto& e = it->second;
        if (e.handover_from == serial) {
            // Taken over: the successor continues from this state, whatever
            // this connection's own expiry said.
            e.handover_from = 0;
            replace(e.session, std::move(at_end));
            handed_to = std::exchange(e.on_handover, nullptr);
            taken_over = true;
            change = record(client_id, &e.session);
            if (handed_to) handed_state = e.session;
        } else if (e.owner != serial) {
            return e.session.generation != at_end.generation;
        } else if (e.handover_from != 0) {
            // Ended before its predecessor handed the state over: that state,
            // when it comes, is what stays.
            e.owner = 0;
            e.on_handover = nullptr;
            expire_at(client_id, e, now_ms);
            return false;
        } else if (keep) {
            e.owner = 0;
            replace(e.session, std::move(at_end));
            expire_at(client_id, e, now_ms);
            change = record(client_id, &e.session);
        } else {
            sessions_.erase(it);
            change = record(client_id, nullptr);
        }
    }
    make_durable(change);
    if (handed_to) handed_to(std::move(handed_state));
    return !taken_over && !keep;
}
bool session_store::holds(const std::string& filter, const std::string& client_id) const {
    std::lock_guard lock(mutex_);
    return std::any_of(sessions_.begin(), sessions_.end(), [&](const auto& s) {
        return s.first != client_id && s.second.session.subscriptions.contains(filter);
    });
}

void session_store::visit(
    const std::function<void(const std::string& client_id, const stored_session&)>& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [client_id, e] : sessions_) visit(client_id, e.session);
}

std::vector<std::pair<std::string, delayed_will>> session_store::delayed_wills() const {
    std::vector<std::pair<std::string, delayed_will>> wills;
    std::lock_guard lock(mutex_);
    for (const auto& [client_id, e] : sessions_)
        if (e.owner == 0 && e.session.will) wills.emplace_back(client_id, *e.session.will);
    return wills;
}

void session_store::will_published(const std::string& client_id, std::int64_t due_ms) {
    written change;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(client_id);
        if (it == sessions_.end() || it->second.owner != 0) return;
        auto& will = it->second.session.will;
        if (!will || will->due_ms != due_ms) return;
        will.reset();
        change = record(client_id, &it->second.session);
    }
    make_durable(change);
}

std::vector<std::pair<std::string, stored_session>> session_store::take_expired(std::int64_t now_ms) {
    std::vector<std::pair<std::string, stored_session>> expired;
    written change;
    {
        std::lock_guard lock(mutex_);
        while (!expiries_.empty() && expiries_.begin()->first <= now_ms) {
            const auto client_id = expiries_.begin()->second;
            expiries_.erase(expiries_.begin());
            const auto it = sessions_.find(client_id);
            if (it == sessions_.end() || it->second.owner != 0) continue;
            expired.emplace_back(client_id, std::move(it->second.session));
            sessions_.erase(it);
            change = record(client_id, nullptr); // each into the same file: the last one's sync covers all
        }
    }
    make_durable(change);
    return expired;
}

std::error_code session_store::save() { return compact(); }

std::size_t session_store::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

void session_store::forget_expiry(const std::string& client_id, const entry& e) {
    if (e.owner != 0) return;
    auto [first, last] = expiries_.equal_range(e.expires_at);
    for (auto it = first; it != last; ++it) {
        if (it->second == client_id) {
            expiries_.erase(it);
            return;
        }
    }
}

void session_store::expire_at(const std::string& client_id, entry& e, std::int64_t now_ms) {
    e.expires_at = e.session.expiry_interval == stored_session::never_expires
                       ? never
                       : now_ms + std::int64_t{e.session.expiry_interval} * 1000;
    if (e.expires_at != never) expiries_.emplace(e.expires_at, client_id);
}

session_store::written session_store::record(const std::string& client_id, const stored_session* session) {
    if (!journal_) return nullptr;
    json change{{"client", client_id}};
    if (session) change["session"] = to_json(*session);
    else change["removed"] = true;
    return append_to_journal(change.dump(-1, ' ', false, json::error_handler_t::replace));
}

session_store::written session_store::record_qos2_step(const std::string& client_id, const qos2_step& step) {
    if (!journal_) return nullptr;
    json change{{"client", client_id}, {key_of(step.what), step.packet_id}};
    if (step.place) change["place"] = to_json(*step.place);
    if (step.message) change["message"] = to_json(*step.message);
    return append_to_journal(change.dump(-1, ' ', false, json::error_handler_t::replace));
}

void session_store::forget_undeliverable() {
    if (!may_redeliver_) return;
    for (auto& kept : sessions_) {
        const auto& client_id = kept.first;
        auto& session = kept.second.session;
        std::erase_if(session.qos2_delivered,
                      [&](const delivery_place& place) { return !may_redeliver_(client_id, session, place); });
    }
}

session_store::written session_store::append_to_journal(const std::string& payload) {
    dirty_ = true;
    auto appended = journal_->append(payload);
    if (!appended) {
        journal_failed(journal_->path(), appended.error());
        compact_soon(); // the change reaches the disk with the table once the disk takes writes again
        return nullptr;
    }
    // After a failure, until a compaction has the table on disk again.
    if (journal_->size() >= journal_limit_ || failing_) compact_soon();
    return std::move(*appended);
}

void session_store::make_durable(const written& written_to) {
    if (!written_to) return;
    if (const auto ec = journal_->sync(written_to)) {
        journal_failed(journal_->path(), ec);
        std::lock_guard lock(mutex_);
        compact_soon();
    }
}

void session_store::compact_soon() {
    if (compacting_) return;
    compacting_ = true;
    if (compactor_.joinable()) compactor_.join(); // the last one, done: it cleared compacting_
    compactor_ = std::thread([this] {
        if (const auto ec = compact()) journal_failed(file_, ec);
        else journal_works();
        std::lock_guard lock(mutex_);
        compacting_ = false;
    });
}

// The table is copied, and new changes go to a fresh journal, in one step
// under mutex_: each change is in the snapshot or in the fresh journal. Then,
// without mutex_: the rotated journal is made durable (the load replays it if
// the snapshot does not replace the old one), the snapshot is written (to a
// temporary file, made durable, renamed over the old), and the rotated
// journal goes. A crash at any point loads the latest state.
std::error_code session_store::compact() {
    if (!journal_) return {};
    std::lock_guard compaction_lock(compaction_mutex_);
    json sessions = json::object();
    written covered;
    {
        std::lock_guard lock(mutex_);
        auto rotated = journal_->rotate();
        if (!rotated) return rotated.error();
        covered = std::move(*rotated);
        forget_undeliverable();
        for (const auto& [client_id, e] : sessions_) sessions[client_id] = to_json(e.session);
        dirty_ = false;
    }
    auto ec = journal_->make_durable(covered);
    if (!ec) ec = core::json_file(file_).save({{"sessions", std::move(sessions)}});
    if (!ec) ec = journal_->drop_old();
    if (ec) {
        std::lock_guard lock(mutex_);
        dirty_ = true;
    }
    return ec;
}

void session_store::journal_failed(const std::filesystem::path& file, std::error_code ec) {
    if (failing_.exchange(true)) return;
    mqtt_log()->error("cannot write {}: {}; MQTT persistent sessions work on in memory, but a crash loses their "
                      "changes from now until they are written again (tried with each change; a message says when "
                      "it worked): free space on that disk or repair it",
                      file.string(), ec.message());
}

void session_store::journal_works() {
    if (failing_.exchange(false))
        mqtt_log()->info("the MQTT persistent sessions are written again: {} holds every change", file_.string());
}

} // namespace gantry::protocols::mqtt
