// The JSON header reader: nlohmann's SAX parser does the syntax (strict
// RFC 8259, escapes, surrogate pairs, trailing whitespace), this handler maps
// the events onto remoting_command with fastjson's leniency where clients
// rely on it (spec 1.2, 4.6).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "java_decimal.hpp"
#include "json_header.hpp"
#include "utf8_text.hpp"

namespace gantry::protocols::remoting::detail {

namespace {

using json = nlohmann::json;

// Unknown keys may hold nested values; bound what we walk through.
constexpr int max_skip_depth = 64;
constexpr std::size_t max_reason = 240;

// One scalar event, in the shapes fastjson distinguishes.
struct scalar {
    enum class kind { null, boolean, integer, unsigned_integer, decimal, string } type;
    bool boolean = false;
    std::int64_t integer = 0;
    std::uint64_t unsigned_integer = 0;
    std::string* text = nullptr;  // string contents or the decimal literal
};

class header_handler {
public:
    explicit header_handler(remoting_command& out) : out_(out) {}

    const std::string& reason() const { return reason_; }
    bool finished() const { return place_ == place::done; }

    bool null() { return value(scalar{.type = scalar::kind::null}); }
    bool boolean(bool v) { return value(scalar{.type = scalar::kind::boolean, .boolean = v}); }
    bool number_integer(std::int64_t v) { return value(scalar{.type = scalar::kind::integer, .integer = v}); }
    bool number_unsigned(std::uint64_t v) {
        return value(scalar{.type = scalar::kind::unsigned_integer, .unsigned_integer = v});
    }
    bool number_float(double, const std::string& literal) {
        std::string copy = literal;
        return value(scalar{.type = scalar::kind::decimal, .text = &copy});
    }
    bool string(std::string& v) { return value(scalar{.type = scalar::kind::string, .text = &v}); }
    bool binary(json::binary_t&) { return fail("binary value in JSON header"); }

    bool key(std::string& k) {
        if (place_ == place::top || place_ == place::ext) key_ = std::move(k);
        return true;
    }

    bool start_object(std::size_t) { return open("an object"); }
    bool start_array(std::size_t) { return open("an array"); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
        std::string what = ex.what();
        if (const auto bracket = what.find("] "); what.starts_with("[json.exception") && bracket != std::string::npos) {
            what.erase(0, bracket + 2);
        }
        return fail("malformed JSON header: " + what);
    }

private:
    enum class place { before, top, ext, skip, done };

    bool fail(std::string reason) {
        if (reason_.empty()) reason_ = reason.substr(0, max_reason);
        return false;
    }

    bool open(const char* what) {
        switch (place_) {
        case place::before:
            if (std::string_view(what) != "an object") return fail("the JSON header is not an object");
            place_ = place::top;
            return true;
        case place::top:
            if (key_ == "extFields" && std::string_view(what) == "an object") {
                place_ = place::ext;
                return true;
            }
            if (is_known_field(key_)) return fail("JSON header field " + key_ + " is " + what);
            place_ = place::skip;
            skip_depth_ = 1;
            return true;
        case place::ext:
            return fail("extFields value of " + quoted_for_log(key_) + " is " + what +
                        "; only strings, numbers and booleans are accepted");
        case place::skip:
            if (++skip_depth_ > max_skip_depth) {
                return fail("JSON header nests deeper than " + std::to_string(max_skip_depth) + " levels");
            }
            return true;
        case place::done: break;
        }
        return fail("JSON header continues after its object");
    }

    bool close() {
        switch (place_) {
        case place::top: place_ = place::done; return true;
        case place::ext: place_ = place::top; return true;
        case place::skip:
            if (--skip_depth_ == 0) place_ = place::top;
            return true;
        case place::before:
        case place::done: break;
        }
        return fail("unbalanced JSON header");
    }

    static bool is_known_field(std::string_view key) {
        return key == "code" || key == "language" || key == "version" || key == "opaque" || key == "flag" ||
               key == "remark" || key == "extFields";
    }

    bool value(const scalar& v) {
        switch (place_) {
        case place::before: return fail("the JSON header is not an object");
        case place::top: return top_field(v);
        case place::ext: return ext_value(v);
        case place::skip: return true;
        case place::done: break;
        }
        return fail("JSON header continues after its object");
    }

    bool top_field(const scalar& v) {
        if (key_ == "code") return read_int(v, out_.code);
        if (key_ == "version") return read_int(v, out_.version);
        if (key_ == "opaque") return read_int(v, out_.opaque);
        if (key_ == "flag") return read_int(v, out_.flag);
        if (key_ == "language") return read_language(v);
        if (key_ == "remark") {
            if (v.type == scalar::kind::null) {
                out_.remark.reset();
                return true;
            }
            auto text = as_text(v);
            if (!text) return fail("JSON header field remark is not text");
            out_.remark = std::move(*text);
            return true;
        }
        if (key_ == "extFields" && v.type != scalar::kind::null) return fail("JSON header field extFields is not an object");
        // serializeTypeCurrentRPC is ignored (the header word decides) like
        // every other unknown key.
        return true;
    }

    // fastjson fills an int field from a number or a numeric string; null
    // leaves the default.
    bool read_int(const scalar& v, std::int32_t& target) {
        constexpr auto min = std::numeric_limits<std::int32_t>::min();
        constexpr auto max = std::numeric_limits<std::int32_t>::max();
        switch (v.type) {
        case scalar::kind::null: return true;
        case scalar::kind::integer:
            if (v.integer < min || v.integer > max) break;
            target = static_cast<std::int32_t>(v.integer);
            return true;
        case scalar::kind::unsigned_integer:
            if (v.unsigned_integer > static_cast<std::uint64_t>(max)) break;
            target = static_cast<std::int32_t>(v.unsigned_integer);
            return true;
        case scalar::kind::string:
            if (const auto parsed = parse_java_int(*v.text)) {
                target = *parsed;
                return true;
            }
            break;
        case scalar::kind::boolean:
        case scalar::kind::decimal: break;
        }
        return fail("JSON header field " + key_ + " is not a 32-bit integer");
    }

    // Names are kept even when unknown ("RUST", "NODE_JS" from newer
    // clients); fastjson also takes an enum's ordinal.
    bool read_language(const scalar& v) {
        if (v.type == scalar::kind::null) return true;
        if (v.type == scalar::kind::string) {
            out_.language = std::move(*v.text);
            return true;
        }
        if (v.type == scalar::kind::integer && v.integer >= 0 && v.integer <= 0xFF) {
            if (const auto code = language_from_byte(static_cast<std::uint8_t>(v.integer))) {
                out_.language = std::string(language_name(*code));
                return true;
            }
        }
        if (v.type == scalar::kind::unsigned_integer && v.unsigned_integer <= 0xFF) {
            if (const auto code = language_from_byte(static_cast<std::uint8_t>(v.unsigned_integer))) {
                out_.language = std::string(language_name(*code));
                return true;
            }
        }
        return fail("JSON header field language is neither a name nor a known ordinal");
    }

    // fastjson's StringCodec: numbers as their text, booleans as true/false.
    static std::optional<std::string> as_text(const scalar& v) {
        switch (v.type) {
        case scalar::kind::string: return std::move(*v.text);
        case scalar::kind::boolean: return v.boolean ? "true" : "false";
        case scalar::kind::integer: return std::to_string(v.integer);
        case scalar::kind::unsigned_integer: return std::to_string(v.unsigned_integer);
        case scalar::kind::decimal: return java_decimal_text(*v.text);
        case scalar::kind::null: break;
        }
        return std::nullopt;
    }

    bool ext_value(const scalar& v) {
        if (v.type == scalar::kind::null) {
            // fastjson stores the null; the header decoder then sees no value.
            out_.ext_fields.erase(key_);
            return true;
        }
        auto text = as_text(v);
        if (!text) return fail("extFields value of " + quoted_for_log(key_) + " is a number out of range");
        out_.ext_fields.insert_or_assign(key_, std::move(*text));
        return true;
    }

    remoting_command& out_;
    place place_ = place::before;
    std::string key_;
    int skip_depth_ = 0;
    std::string reason_;
};

} // namespace

std::optional<remoting_diagnostic> read_json_header(std::string_view text, remoting_command& out) {
    // Java decodes the header bytes to a String first, replacing malformed
    // UTF-8; copy only in that rare case.
    std::string repaired;
    if (!is_valid_utf8(text)) {
        repaired = to_valid_utf8(text);
        text = repaired;
    }
    header_handler handler(out);
    const bool parsed = json::sax_parse(text.data(), text.data() + text.size(), &handler);
    if (parsed && handler.finished()) return std::nullopt;
    std::string reason = handler.reason().empty() ? "malformed JSON header" : handler.reason();
    return remoting_diagnostic{remoting_errc::malformed_json_header, std::move(reason)};
}

} // namespace gantry::protocols::remoting::detail
