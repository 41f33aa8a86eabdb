//! The mTLS keys, certificate requests and Portal JWTs of `klarna_runtime::{mtls, portal}` checked by an
//! independent implementation, the `openssl` command line: it parses and verifies the CSR, reads the key,
//! plays Klarna's CA to issue the certificate, and verifies the JWT's ES256 signature with the public key
//! of the certificate in `x5c`. Keys made by openssl are read back the other way.
//!
//! `openssl` must be on the PATH (`.ci/run` installs it when missing); a missing binary fails the tests.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use klarna_runtime::mtls::{self, CertificateRequest, PrivateKey};
use klarna_runtime::portal::{PortalJwt, PortalRole, Purpose};
use serde_json::Value;

const ACCOUNT: &str = "krn:partner:global:account:live:LYABCDEI";

/// Runs openssl; returns (success, stdout + stderr).
fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command line is installed (.ci/run installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ok(args: &[&str], dir: &Path) -> String {
    let (success, text) = openssl(args, dir);
    assert!(success, "openssl {args:?} failed:\n{text}");
    text
}

/// Issues a certificate for `csr.pem` from a throwaway CA, as Klarna's create-client-certificate does.
fn issue(dir: &Path) -> String {
    ok(
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Test CA",
            "-days",
            "2",
        ],
        dir,
    );
    // Extensions make it an X.509 v3 certificate, as a CA issues them (rustls refuses v1).
    std::fs::write(
        dir.join("ext.cnf"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    ok(
        &[
            "x509",
            "-req",
            "-in",
            "csr.pem",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
        ],
        dir,
    );
    std::fs::read_to_string(dir.join("cert.pem")).unwrap()
}

#[test]
fn csr_has_the_account_common_name_a_p256_key_and_a_valid_signature() {
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::generate().unwrap();
    let request = CertificateRequest::for_account(ACCOUNT).unwrap();
    std::fs::write(dir.path().join("csr.pem"), request.to_pem(&key).unwrap()).unwrap();
    std::fs::write(dir.path().join("key.pem"), key.to_pem()).unwrap();

    let verified = ok(
        &["req", "-in", "csr.pem", "-noout", "-verify", "-subject"],
        dir.path(),
    );
    assert!(verified.contains("verify OK"), "{verified}");
    let subject = verified
        .lines()
        .find(|l| l.starts_with("subject="))
        .unwrap()
        .replace(' ', "");
    assert_eq!(subject, "subject=CN=LYABCDEI");
    let text = ok(&["req", "-in", "csr.pem", "-noout", "-text"], dir.path());
    assert!(text.contains("prime256v1"), "{text}");
    assert!(text.contains("ecdsa-with-SHA256"), "{text}");

    let key_text = ok(&["pkey", "-in", "key.pem", "-noout", "-text"], dir.path());
    assert!(key_text.contains("prime256v1"), "{key_text}");
    // The request's public key is the key's.
    let from_csr = ok(&["req", "-in", "csr.pem", "-noout", "-pubkey"], dir.path());
    let from_key = ok(&["pkey", "-in", "key.pem", "-pubout"], dir.path());
    assert_eq!(from_csr, from_key);
}

#[test]
fn keys_made_by_openssl_are_read_and_other_curves_refused() {
    let dir = tempfile::tempdir().unwrap();
    // The guide's own command: SEC 1 with an EC PARAMETERS block in front.
    ok(
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-out",
            "sec1.pem",
        ],
        dir.path(),
    );
    ok(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "pkcs8.pem",
        ],
        dir.path(),
    );
    ok(
        &[
            "ecparam",
            "-genkey",
            "-name",
            "secp384r1",
            "-noout",
            "-out",
            "p384.pem",
        ],
        dir.path(),
    );
    ok(
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa.pem",
        ],
        dir.path(),
    );
    let read =
        |name: &str| PrivateKey::from_pem(&std::fs::read_to_string(dir.path().join(name)).unwrap());
    for name in ["sec1.pem", "pkcs8.pem"] {
        let key = read(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Same public key as openssl derives.
        std::fs::write(dir.path().join("back.pem"), key.to_pem()).unwrap();
        assert_eq!(
            ok(&["pkey", "-in", "back.pem", "-pubout"], dir.path()),
            ok(&["pkey", "-in", name, "-pubout"], dir.path()),
            "{name}"
        );
    }
    let p384 = read("p384.pem").unwrap_err().to_string();
    assert!(p384.contains("prime256v1"), "{p384}");
    let rsa = read("rsa.pem").unwrap_err().to_string();
    assert!(rsa.contains("RSA") || rsa.contains("prime256v1"), "{rsa}");
    assert!(PrivateKey::from_pem("not a key").is_err());
    assert!(!format!("{:?}", read("sec1.pem").unwrap()).contains("BEGIN"));
}

#[test]
fn identity_comes_from_the_issued_certificate_and_its_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::generate().unwrap();
    let csr = CertificateRequest::for_account(ACCOUNT)
        .unwrap()
        .to_pem(&key)
        .unwrap();
    std::fs::write(dir.path().join("csr.pem"), csr).unwrap();
    let cert = issue(dir.path());
    let identity = mtls::identity(&cert, &key).unwrap();
    assert_eq!(identity.chain_len(), 1);
    // Klarna's JSON answer escapes line breaks; a value copied raw still works.
    assert!(mtls::identity(&cert.replace('\n', "\\n"), &key).is_ok());
    let other = PrivateKey::generate().unwrap();
    let err = mtls::identity(&cert, &other).unwrap_err().to_string();
    assert!(err.contains("not issued for this private key"), "{err}");
    assert!(mtls::identity("no certificate", &key).is_err());
    // A client builds with it.
    klarna_runtime::builder()
        .api_key("klarna_test_api_x")
        .identity(identity)
        .build()
        .unwrap();
}

/// `r || s` (64 bytes) as the DER `ECDSA-Sig-Value` openssl verifies.
fn der_signature(raw: &[u8]) -> Vec<u8> {
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        let mut value = if trimmed.first().is_some_and(|b| *b >= 0x80) {
            vec![0]
        } else {
            Vec::new()
        };
        value.extend(if trimmed.is_empty() { vec![0] } else { trimmed });
        let mut out = vec![0x02, value.len() as u8];
        out.extend(value);
        out
    }
    let mut body = integer(&raw[..32]);
    body.extend(integer(&raw[32..]));
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

#[test]
fn portal_jwt_is_es256_over_the_x5c_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::generate().unwrap();
    let csr = CertificateRequest::for_account(ACCOUNT)
        .unwrap()
        .to_pem(&key)
        .unwrap();
    std::fs::write(dir.path().join("csr.pem"), csr).unwrap();
    let cert = issue(dir.path());
    let jwt = PortalJwt::new(ACCOUNT, "portal.user@merchant.com")
        .account_id("krn:partner:global:account:test:MB6KIE1P")
        .on_behalf_of("krn:partner:global:account:test:MB6KIE1P")
        .role(PortalRole::Developer)
        .amr(["pwd"])
        .sign(Purpose::DeepLink, &cert, &key)
        .unwrap();
    let parts: Vec<&str> = jwt.as_str().split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], ACCOUNT);
    assert_eq!(claims["amr"], serde_json::json!(["pwd"]));
    assert_eq!(claims["roles"], serde_json::json!(["merchant:developer"]));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );

    // x5c[0] is the certificate, base64 DER: openssl reads it and takes its public key.
    let x5c = STANDARD.decode(header["x5c"][0].as_str().unwrap()).unwrap();
    std::fs::write(dir.path().join("x5c.der"), &x5c).unwrap();
    let same = ok(
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            "x5c.der",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
        dir.path(),
    );
    assert_eq!(
        same,
        ok(
            &[
                "x509",
                "-in",
                "cert.pem",
                "-noout",
                "-fingerprint",
                "-sha256"
            ],
            dir.path()
        )
    );
    ok(
        &[
            "x509", "-inform", "DER", "-in", "x5c.der", "-noout", "-pubkey", "-out", "pub.pem",
        ],
        dir.path(),
    );
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    assert_eq!(signature.len(), 64, "ES256 signatures are r || s");
    std::fs::write(dir.path().join("sig.der"), der_signature(&signature)).unwrap();
    std::fs::write(
        dir.path().join("input.txt"),
        format!("{}.{}", parts[0], parts[1]),
    )
    .unwrap();
    let verified = ok(
        &[
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig.der",
            "input.txt",
        ],
        dir.path(),
    );
    assert!(verified.contains("Verified OK"), "{verified}");
    // A changed claim no longer verifies.
    std::fs::write(
        dir.path().join("input.txt"),
        format!(
            "{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(b"{\"sub\":\"x\"}")
        ),
    )
    .unwrap();
    let (success, text) = openssl(
        &[
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig.der",
            "input.txt",
        ],
        dir.path(),
    );
    assert!(!success && text.contains("Verification failure"), "{text}");

    // Signing with a key the certificate was not issued for is refused.
    let err = PortalJwt::new(ACCOUNT, "u@example.com")
        .account_id("a")
        .on_behalf_of("b")
        .role(PortalRole::Admin)
        .sign(Purpose::UserAccess, &cert, &PrivateKey::generate().unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not issued for this private key"), "{err}");
}
