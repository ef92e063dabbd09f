#include "password_hash.hpp"

#include <charconv>
#include <climits>
#include <memory>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace gantry::security {

namespace {

constexpr std::size_t sha512_size = 64;
// mosquitto_passwd writes 12-byte salts; anything longer than this is not a
// password file entry but a mistake.
constexpr std::size_t max_salt_size = 1024;

bool base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Strict standard base64; missing '=' padding is tolerated. EVP_DecodeBlock
// neither rejects stray padding nor reports it, so the text is checked first.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
    std::string padded(text);
    while (padded.size() % 4 != 0) padded.push_back('=');
    if (padded.empty() || text.size() % 4 == 1) return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && padded[padded.size() - 1 - padding] == '=') ++padding;
    for (std::size_t i = 0; i < padded.size() - padding; ++i) {
        if (!base64_char(padded[i])) return std::nullopt;
    }
    std::vector<std::uint8_t> out(padded.size() / 4 * 3);
    const int written = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                                        static_cast<int>(padded.size()));
    if (written < 0 || static_cast<std::size_t>(written) != out.size()) return std::nullopt;
    out.resize(out.size() - padding);
    return out;
}

std::vector<std::string_view> split_dollar(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find('$', start);
        fields.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

} // namespace

std::variant<password_hash, password_hash::parse_failure> password_hash::parse(std::string_view text) {
    constexpr auto malformed = security_errc::malformed_password_line;
    password_hash entry;
    const auto fields = split_dollar(text);
    // fields[0] is what precedes the first '$': empty for every hashed entry.
    if (fields.size() < 3 || !fields[0].empty() || fields[1].empty()) {
        return parse_failure{malformed, text.find('$') == std::string_view::npos
                                           ? "the password is not hashed (run mosquitto_passwd -U on the file)"
                                           : "expected user:$7$iterations$salt$hash"};
    }
    std::string_view salt_text;
    std::string_view hash_text;
    if (fields[1] == "7") {
        if (fields.size() != 5) {
            return parse_failure{malformed, "expected user:$7$iterations$salt$hash"};
        }
        int iterations = 0;
        const auto [end, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), iterations);
        if (!all_digits(fields[2]) || ec != std::errc{} || end != fields[2].data() + fields[2].size() ||
            iterations < 1) {
            return parse_failure{malformed, "the iteration count of a $7$ entry must be a number from 1 to " +
                                               std::to_string(INT_MAX)};
        }
        entry.kind_ = kind::sha512_pbkdf2;
        entry.iterations_ = iterations;
        salt_text = fields[3];
        hash_text = fields[4];
    } else if (fields[1] == "6") {
        if (fields.size() != 4) {
            return parse_failure{malformed, "expected user:$6$salt$hash"};
        }
        entry.kind_ = kind::sha512;
        salt_text = fields[2];
        hash_text = fields[3];
    } else {
        return parse_failure{security_errc::unsupported_hash, "hash type $" + std::string(fields[1]) +
                                          "$ is not supported; use mosquitto_passwd's sha512-pbkdf2 ($7$) "
                                          "or sha512 ($6$) hashes"};
    }
    auto salt = decode_base64(salt_text);
    if (!salt || salt->empty() || salt->size() > max_salt_size) {
        return parse_failure{malformed, "the salt is not valid base64"};
    }
    auto hash = decode_base64(hash_text);
    if (!hash || hash->size() != sha512_size) {
        return parse_failure{malformed, "the hash is not 64 bytes of base64 (a SHA-512 digest)"};
    }
    entry.salt_ = std::move(*salt);
    entry.hash_ = std::move(*hash);
    return entry;
}

bool password_hash::verify(std::string_view password) const {
    if (password.size() > INT_MAX) return false;
    unsigned char computed[sha512_size] = {};
    bool computed_ok = false;
    if (kind_ == kind::sha512_pbkdf2) {
        computed_ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt_.data(),
                                        static_cast<int>(salt_.size()), iterations_, EVP_sha512(), sha512_size,
                                        computed) == 1;
    } else {
        const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        unsigned int size = 0;
        computed_ok = context && EVP_DigestInit_ex(context.get(), EVP_sha512(), nullptr) == 1 &&
                      EVP_DigestUpdate(context.get(), password.data(), password.size()) == 1 &&
                      EVP_DigestUpdate(context.get(), salt_.data(), salt_.size()) == 1 &&
                      EVP_DigestFinal_ex(context.get(), computed, &size) == 1 && size == sha512_size;
    }
    const bool equal = CRYPTO_memcmp(computed, hash_.data(), sha512_size) == 0;
    OPENSSL_cleanse(computed, sizeof computed);
    return computed_ok && equal;
}

} // namespace gantry::security
