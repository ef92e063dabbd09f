#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace gantry::protocols::common::testing {

// A self-signed P-256 certificate for 127.0.0.1 and its key, as PEM files
// in a folder of their own, removed at the end.
class self_signed_files {
public:
    self_signed_files() {
        dir_ = std::filesystem::temp_directory_path() /
               ("gantry-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
        std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
        X509_set_version(cert.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
        X509_set_pubkey(cert.get(), key.get());
        auto* name = X509_get_subject_name(cert.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1,
                                   -1, 0);
        X509_set_issuer_name(cert.get(), name);
        X509_sign(cert.get(), key.get(), EVP_sha256());
        write(cert_file(), [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
        write(key_file(), [&](FILE* f) {
            return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        });
    }
    ~self_signed_files() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::string cert_file() const { return (dir_ / "cert.pem").string(); }
    std::string key_file() const { return (dir_ / "key.pem").string(); }

private:
    template <typename Write>
    static void write(const std::string& path, Write pem) {
        std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "w"), std::fclose);
        ASSERT_TRUE(f && pem(f.get()) == 1) << "cannot write " << path;
    }

    static inline int counter_ = 0;
    std::filesystem::path dir_;
};

} // namespace gantry::protocols::common::testing
