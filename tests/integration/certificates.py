"""TLS certificates for the tests, made by Debian's openssl: a test CA, a
server certificate for 127.0.0.1 and a client certificate it signed, and a
second CA that signed only a renewed server certificate."""

import os
import subprocess


def make_certificates(folder):
    """Writes ca.crt, other-ca.crt, server.crt/.key, client.crt/.key and
    renewed-server.crt/.key (signed by other-ca) into `folder`; returns a
    function from such a name to its path."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=30)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        run("req", "-x509", *key, "-days", "2", "-subj", "/CN=gantry test " + ca, "-keyout", ca + ".key",
            "-out", ca + ".crt")
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for name, subject, ca in (("server", "/CN=127.0.0.1", "ca"), ("client", "/CN=gantry-test-client", "ca"),
                              ("renewed-server", "/CN=127.0.0.1", "other-ca")):
        run("req", *key, "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr")
        run("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", name + ".crt")
    return lambda name: os.path.join(folder, name)
