#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "delayed_will.hpp"
#include "session_journal.hpp"

namespace gantry::protocols::mqtt {

// A subscription of a persistent session, as SUBSCRIBE gave it.
struct stored_subscription {
    std::uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    std::optional<std::uint32_t> identifier;
    // When it was subscribed (ms since the epoch): where its group starts
    // in a topic made while the client was away. 0: not known.
    std::int64_t since_ms = 0;
    friend bool operator==(const stored_subscription&, const stored_subscription&) = default;
};

// Where a delivery of a subscription lies in the engine: the same message
// comes back to the subscription's group at the same place.
struct delivery_place {
    std::string filter;
    std::string topic; // the engine topic the record lies in (a retry topic for retries)
    std::int32_t queue_id = 0;
    std::int64_t queue_offset = 0;
    friend auto operator<=>(const delivery_place&, const delivery_place&) = default;
};

// The message an inbound QoS 2 PUBLISH is being stored as. Should the
// broker die (or the connection end) before the store answered, the log
// says whether it was stored: the message is found by its id.
struct storing_message {
    std::string topic;      // the engine topic
    std::string message_id; // its UNIQ_KEY (engine::facade::find_stored_by_key)
    // When its storing began (ms since the epoch): the look-up reads from
    // there, also without the index. 0 (journals before session 25): the
    // whole log.
    std::int64_t since_ms = 0;
    friend bool operator==(const storing_message&, const storing_message&) = default;
};

// What of an MQTT session outlives its connection (3.1.1 §3.1.2.4, 5.0
// §4.1): the subscriptions, whose messages wait in their durable engine
// groups, and the QoS 2 packet ids still in flight either way. Unacknowledged
// QoS 1/2 deliveries are not kept here, only their packet ids: the engine
// gives the messages back to the group when the connection's subscription
// ends, and they are sent again with those ids ([MQTT-4.4.0-1]).
struct stored_session {
    static constexpr std::uint32_t never_expires = 0xFFFFFFFF;

    // Names this session's durable groups; a clean start makes a new one, so
    // a new session never inherits an old one's offsets.
    std::string generation;
    std::uint32_t expiry_interval = 0; // seconds after the connection ends
    std::map<std::string, stored_subscription> subscriptions; // by filter
    std::set<std::uint16_t> qos2_received; // inbound: stored, PUBREC sent, awaiting PUBREL
    std::set<std::uint16_t> pubrel_sent;   // outbound: PUBREC came, PUBREL sent, awaiting PUBCOMP
    std::map<delivery_place, std::uint16_t> unacked; // outbound QoS 1/2 sent, awaiting PUBACK / PUBREC
    // Outbound QoS 2 deliveries the client has (PUBREC came) that their
    // group's offset on disk may not pass yet: after a crash the engine
    // gives such a one back, and it is settled unsent. Kept by the store
    // (a connection's own state never carries them) until its redelivery
    // check says the engine cannot give it back any more.
    std::set<delivery_place> qos2_delivered;
    // Inbound QoS 2 publishes whose storing began but whose end the store
    // has not heard of, by packet id: kept by the store, like
    // qos2_delivered, until the session's next connection looks them up.
    std::map<std::uint16_t, storing_message> qos2_storing;
    std::optional<delayed_will> will;                // left by the last connection, not yet due
    friend bool operator==(const stored_session&, const stored_session&) = default;
};

// One packet of a QoS 2 exchange (§4.3.3), journaled by a persistent
// session before that packet leaves: after a kill -9, a resent PUBLISH is
// still not stored twice (inbound), and a message the client has is not
// delivered again, nor one it may have with another packet id (outbound).
struct qos2_step {
    enum class kind : std::uint8_t {
        storing,     // inbound: the PUBLISH is about to be stored as `message`
        stored,      // inbound: the PUBLISH is stored, PUBREC goes
        abandoned,   // inbound: the exchange ended without PUBREC success (refused, or not in the log)
        completed,   // inbound: PUBREL came, PUBCOMP goes
        sent,        // outbound: the PUBLISH of the message at `place` goes
        received,    // outbound: PUBREC came, PUBREL goes
        refused,     // outbound: PUBREC with a failure code came: the delivery is over
        acknowledged // outbound: PUBCOMP came
    };
    kind what = kind::stored;
    std::uint16_t packet_id = 0;
    // Outbound: where the message lies; none for a retained copy, which the
    // engine never gives back.
    std::optional<delivery_place> place;
    // Inbound `storing`: the message the PUBLISH becomes.
    std::optional<storing_message> message = std::nullopt;
};

// Every persistent session of the MQTT module, connected or not, kept in
// <storePathRootDir>/config/mqttSessions.json (an empty path keeps them in
// memory only). Each change is appended to the journal beside it,
// mqttSessions.journal (session_journal), before the call returns: a kill -9
// loses none, and with `sync` (flushDiskType = SYNC_FLUSH) neither does a
// power loss. Once the journal has grown past `journal_limit` bytes, a
// thread of the store's own writes the table to the snapshot and starts an
// empty journal (compaction); so does the destructor. A load is the
// snapshot plus the journal's changes. Called from every io thread: one
// mutex around the table and the journal, another around compaction.
class session_store {
public:
    static constexpr std::uint64_t default_journal_limit = 4 << 20;

    explicit session_store(std::filesystem::path file, bool sync = false,
                           std::uint64_t journal_limit = default_journal_limit);
    ~session_store();
    session_store(const session_store&) = delete;
    session_store& operator=(const session_store&) = delete;

    // Reads the snapshot and the journal at start: every session in them is
    // disconnected from now.
    std::error_code load(std::int64_t now_ms);

    // What a connection continues: the stored session, and whether another
    // connection still holds it (a takeover), in which case the state that
    // connection ends with is handed over later.
    struct resumption {
        stored_session session;
        bool handed_over_later = false;
    };
    using handover = std::function<void(stored_session)>;
    // A connection with `serial` continues the session of `client_id`, which
    // it owns from now on; nothing when there is none. When a connection
    // still holds it, `on_handover` gets the state that one ends with (called
    // on the ending connection's thread).
    std::optional<resumption> resume(const std::string& client_id, std::uint64_t serial, handover on_handover);
    // A clean start: the session is forgotten. Returned when no connection
    // holds it any more, so the caller deletes its groups; a connection that
    // still holds it deletes them itself when it ends (end_connection).
    std::optional<stored_session> discard(const std::string& client_id);
    // Records the session a connection with `serial` holds (a new one, or
    // changed subscriptions), unless another connection took it over.
    void update(const std::string& client_id, std::uint64_t serial, const stored_session& session);
    // A step of a QoS 2 exchange of the connection with `serial`, journaled
    // before it returns (so before the caller sends the packet it names).
    void qos2_exchange(const std::string& client_id, std::uint64_t serial, const qos2_step& step);
    // Whether the engine may still give the delivery at `place` of the
    // session of `client_id` back after a crash. Compactions ask it of every
    // place in qos2_delivered and forget those it cannot; without it, they
    // are kept as long as their session.
    using redelivery_check =
        std::function<bool(const std::string& client_id, const stored_session&, const delivery_place&)>;
    void check_redelivery_with(redelivery_check check);
    // The connection with `serial` ended with the session in state `at_end`.
    // With `keep`, the session stays and expires `at_end.expiry_interval`
    // seconds from now; without, it ends. True when the caller must delete
    // the durable groups of `at_end`: the session ended, or it now belongs
    // to a clean start.
    bool end_connection(const std::string& client_id, std::uint64_t serial, stored_session at_end, bool keep,
                        std::int64_t now_ms);
    // Whether a session other than `client_id`'s has a subscription to
    // `filter` (a share's group is kept while one does).
    bool holds(const std::string& filter, const std::string& client_id) const;
    // Calls `visit` with each session, under the store's lock: it must not
    // call the store.
    void visit(const std::function<void(const std::string& client_id, const stored_session&)>& visit) const;
    // The wills disconnected sessions wait to publish (at start: for
    // those their connections left before a restart).
    std::vector<std::pair<std::string, delayed_will>> delayed_wills() const;
    // The will due at `due_ms` of `client_id` was published: it goes from
    // the session, unless a connection resumed it meanwhile.
    void will_published(const std::string& client_id, std::int64_t due_ms);
    // Removes and returns the disconnected sessions whose expiry has passed.
    std::vector<std::pair<std::string, stored_session>> take_expired(std::int64_t now_ms);

    // Compacts now: the snapshot holds every change made before the call.
    std::error_code save();
    std::size_t size() const;

private:
    struct entry {
        stored_session session;
        std::uint64_t owner = 0;      // serial of the connection holding it; 0: none
        std::int64_t expires_at = 0;  // while disconnected (ms); max: never
        // A takeover waiting for the state its previous holder ends with.
        std::uint64_t handover_from = 0;
        handover on_handover;
    };
    using written = std::shared_ptr<session_journal::file>;

    void forget_expiry(const std::string& client_id, const entry& e);
    void expire_at(const std::string& client_id, entry& e, std::int64_t now_ms);
    // Appends the state of `client_id` (nullptr: removed) to the journal;
    // mutex_ held. make_durable() of the result once mutex_ is released.
    written record(const std::string& client_id, const stored_session* session);
    written record_qos2_step(const std::string& client_id, const qos2_step& step);
    void forget_undeliverable(); // mutex_ held
    written append_to_journal(const std::string& payload); // mutex_ held
    void make_durable(const written& written_to);
    void compact_soon(); // mutex_ held
    std::error_code compact();
    void journal_failed(const std::filesystem::path& file, std::error_code ec);
    void journal_works();

    const std::filesystem::path file_;
    const std::uint64_t journal_limit_;
    std::unique_ptr<session_journal> journal_; // none without a file
    mutable std::mutex mutex_;
    std::map<std::string, entry> sessions_;
    std::multimap<std::int64_t, std::string> expiries_; // disconnected sessions by expiry
    redelivery_check may_redeliver_;
    bool dirty_ = false;      // the journal holds changes the snapshot lacks
    bool compacting_ = false; // compactor_ runs
    std::thread compactor_;
    std::mutex compaction_mutex_; // one compaction at a time
    std::atomic<bool> failing_{false}; // a write failed; logged once until one works again
};

} // namespace gantry::protocols::mqtt
