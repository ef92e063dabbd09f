#include "password_vectors.hpp"

#include <vector>

#include <openssl/evp.h>

namespace gantry::security::test {

namespace {

std::string base64(const unsigned char* data, std::size_t size) {
    std::vector<unsigned char> out(4 * ((size + 2) / 3) + 1);
    const int written = EVP_EncodeBlock(out.data(), data, static_cast<int>(size));
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(written));
}

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

} // namespace

std::string pbkdf2_entry(std::string_view password, std::string_view salt, int iterations) {
    unsigned char hash[64];
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt), static_cast<int>(salt.size()),
                      iterations, EVP_sha512(), sizeof hash, hash);
    return "$7$" + std::to_string(iterations) + "$" + base64(bytes(salt), salt.size()) + "$" +
           base64(hash, sizeof hash);
}

std::string sha512_entry(std::string_view password, std::string_view salt) {
    std::string input(password);
    input += salt;
    unsigned char hash[64];
    unsigned int size = 0;
    EVP_Digest(input.data(), input.size(), hash, &size, EVP_sha512(), nullptr);
    return "$6$" + base64(bytes(salt), salt.size()) + "$" + base64(hash, size);
}

} // namespace gantry::security::test
