//! The guideline commands (`klarna credentials`, `klarna portal deep-link`, `klarna doctor`) run as the
//! built binary against the testing kit's fake Klarna (`klarna_testing::FakeKlarna`), which issues client
//! certificates from CSRs, validates mTLS enforcement, reports `Klarna-Mtls-Verification-Status`, verifies
//! signed deep-link JWTs and keeps webhooks, signing keys and the IP allow-list.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use klarna::notification::{CreateWebhookRequest, WebhookEventVersion};
use klarna_testing::FakeKlarna;

/// Runs the binary against `fake` with its API key (unless `key` overrides it) and extra environment.
async fn klarna(
    fake: &FakeKlarna,
    args: &[&str],
    key: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut all = vec!["--base-url".to_owned(), fake.base_url().to_owned()];
    all.extend(args.iter().map(|s| (*s).to_owned()));
    let key = key.unwrap_or(fake.api_key()).to_owned();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_klarna"));
        cmd.args(&all)
            .env("KLARNA_API_KEY", key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("the klarna binary runs")
    })
    .await
    .expect("the blocking task finishes")
}

/// What every test starts from: a fresh fake Klarna and a temporary directory for the files the commands
/// write.
struct World {
    fake: FakeKlarna,
    dir: tempfile::TempDir,
}

impl World {
    async fn start() -> Self {
        Self {
            fake: FakeKlarna::start().await.unwrap(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The fake's partner account id.
    fn account(&self) -> &str {
        self.fake.account_id()
    }

    /// `name` in the temporary directory.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the binary with `args` against the fake, with its API key.
    async fn run(&self, args: &[&str]) -> Output {
        klarna(&self.fake, args, None, &[]).await
    }

    /// `klarna credentials setup --account-id <account> --dir <name> <extra...>`: creates a key, a CSR
    /// and a certificate in the directory `name` of the temporary directory, which it returns.
    async fn credentials_setup(&self, name: &str, extra: &[&str]) -> (Output, PathBuf) {
        let dir = self.path(name);
        let dir_arg = dir.to_str().unwrap();
        let mut args = vec![
            "credentials",
            "setup",
            "--account-id",
            self.account(),
            "--dir",
            dir_arg,
        ];
        args.extend_from_slice(extra);
        (self.run(&args).await, dir)
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// No key material in anything the command printed.
fn no_secret(out: &Output, dir: &Path) {
    let all = text(out);
    assert!(!all.contains("PRIVATE KEY"), "{all}");
    if let Ok(key) = std::fs::read_to_string(dir.join("key.pem")) {
        for line in key.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!all.contains(line), "key material printed:\n{all}");
        }
    }
    assert!(!all.contains("eyJ"), "a JWT was printed:\n{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_enforces_only_after_a_valid_call_with_a_checked_time() {
    let world = World::start().await;
    let fake = &world.fake;

    // The fake sees no client certificate yet: the guided flow creates and saves, then refuses to enforce.
    let (out, d) = world
        .credentials_setup("mtls", &["--enforce-from", "NOW"])
        .await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("CN=FAKEKLARNA"), "{all}");
    assert!(
        all.contains("Klarna-Mtls-Verification-Status: NOT_PRESENT"),
        "{all}"
    );
    assert!(all.contains("not enforcing mTLS"), "{all}");
    assert_eq!(fake.mtls_enforced_from(), None);
    no_secret(&out, &d);
    for file in ["key.pem", "csr.pem", "certificate.pem"] {
        assert!(d.join(file).exists(), "{file}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is readable by others: {mode:o}");
    }
    // Running it again never overwrites the key.
    let (again, _) = world.credentials_setup("mtls", &[]).await;
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("exists already"));

    let cert = d.join("certificate.pem");
    let key = d.join("key.pem");
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    // A past time is refused before anything is sent, whatever the certificate.
    fake.present_client_certificate(Some(&read(&cert))).unwrap();
    let past = world
        .run(&[
            "credentials",
            "enforce",
            "--from",
            "2020-01-01T00:00:00Z",
            "--cert",
            cert_s,
            "--key",
            key_s,
        ])
        .await;
    assert_eq!(past.status.code(), Some(1), "{}", text(&past));
    assert!(text(&past).contains("not in the future"), "{}", text(&past));
    let far = world
        .run(&[
            "credentials",
            "enforce",
            "--from",
            "2999-01-01T00:00:00Z",
            "--cert",
            cert_s,
            "--key",
            key_s,
        ])
        .await;
    assert_eq!(far.status.code(), Some(1), "{}", text(&far));
    assert!(text(&far).contains("three months"), "{}", text(&far));
    assert_eq!(fake.mtls_enforced_from(), None);

    // With the certificate presented, Klarna answers VALID and enforcement goes through.
    let check = klarna(
        fake,
        &[
            "credentials",
            "check",
            "--cert",
            cert_s,
            "--key-env",
            "MTLS_KEY",
        ],
        None,
        &[("MTLS_KEY", &read(&key))],
    )
    .await;
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(text(&check).contains("VALID"));
    let enforce = world
        .run(&[
            "credentials",
            "enforce",
            "--from",
            "NOW",
            "--cert",
            cert_s,
            "--key",
            key_s,
        ])
        .await;
    assert_eq!(enforce.status.code(), Some(0), "{}", text(&enforce));
    assert_eq!(fake.mtls_enforced_from().as_deref(), Some("NOW"));
    no_secret(&enforce, &d);

    // Another certificate is INVALID.
    let (out, other) = world
        .credentials_setup("other", &["--usage", "jwt-signing"])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    fake.present_client_certificate(Some(&read(&other.join("certificate.pem"))))
        .unwrap();
    let invalid = world
        .run(&[
            "credentials",
            "check",
            "--cert",
            other.join("certificate.pem").to_str().unwrap(),
            "--key",
            other.join("key.pem").to_str().unwrap(),
        ])
        .await;
    assert_eq!(invalid.status.code(), Some(2), "{}", text(&invalid));
    assert!(text(&invalid).contains("INVALID"), "{}", text(&invalid));
}

#[tokio::test(flavor = "multi_thread")]
async fn keygen_writes_a_key_and_request_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (key, csr) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
    let out = Command::new(env!("CARGO_BIN_EXE_klarna"))
        .args([
            "credentials",
            "keygen",
            "--account-id",
            "krn:partner:global:account:live:LYABCDEI",
        ])
        .args([
            "--key",
            key.to_str().unwrap(),
            "--csr",
            csr.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("CN=LYABCDEI"));
    let request = klarna_runtime::mtls::PrivateKey::from_pem(&read(&key));
    assert!(request.is_ok());
    assert!(read(&csr).starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    let bad = Command::new(env!("CARGO_BIN_EXE_klarna"))
        .args([
            "credentials",
            "keygen",
            "--account-id",
            "krn:partner:global:account:live:",
        ])
        .args([
            "--key",
            dir.path().join("x.pem").to_str().unwrap(),
            "--csr",
            dir.path().join("y.pem").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad).contains("no usable common name"),
        "{}",
        text(&bad)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_link_is_signed_with_the_jwt_signing_certificate_and_prints_the_url() {
    let world = World::start().await;
    let account = world.account();
    let (out, d) = world
        .credentials_setup("jwt", &["--usage", "JWT_SIGNING"])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let cert = d.join("certificate.pem");
    let partner = "krn:partner:global:account:test:MB6KIE1P";
    let link = klarna(
        &world.fake,
        &[
            "portal",
            "deep-link",
            partner,
            "--issuer",
            account,
            "--subject",
            "portal.user@merchant.com",
            "--role",
            "merchant:admin",
            "--role",
            "merchant:reports",
            "--cert",
            cert.to_str().unwrap(),
            "--key-env",
            "PORTAL_KEY",
        ],
        None,
        &[("PORTAL_KEY", &read(&d.join("key.pem")))],
    )
    .await;
    assert_eq!(link.status.code(), Some(0), "{}", text(&link));
    let url = String::from_utf8_lossy(&link.stdout).trim().to_owned();
    assert!(
        url.starts_with("https://portal.klarna.com/deep-link/"),
        "{url}"
    );
    assert!(text(&link).contains("expires 60 seconds"));
    no_secret(&link, &d);

    // An MTLS certificate does not sign Portal JWTs: the fake refuses it as Klarna would.
    let (out, m) = world.credentials_setup("mtls", &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let refused = world
        .run(&[
            "portal",
            "deep-link",
            partner,
            "--issuer",
            account,
            "--subject",
            "u@example.com",
            "--role",
            "merchant:agent",
            "--cert",
            m.join("certificate.pem").to_str().unwrap(),
            "--key",
            m.join("key.pem").to_str().unwrap(),
        ])
        .await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("JWT_SIGNING"), "{}", text(&refused));
    // A key that is not the certificate's is refused before anything is sent.
    let mixed = world
        .run(&[
            "portal",
            "deep-link",
            partner,
            "--issuer",
            account,
            "--subject",
            "u@example.com",
            "--role",
            "merchant:agent",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            m.join("key.pem").to_str().unwrap(),
        ])
        .await;
    assert_eq!(mixed.status.code(), Some(1), "{}", text(&mixed));
    assert!(
        text(&mixed).contains("not issued for this private key"),
        "{}",
        text(&mixed)
    );
}

fn line<'a>(out: &'a str, title: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(title))
        .unwrap_or_else(|| panic!("no line with {title:?} in:\n{out}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_reports_a_fresh_account_and_a_ready_one() {
    let world = World::start().await;
    let fake = &world.fake;

    // A fresh account: no webhooks, no mTLS.
    let out = world.run(&["doctor"]).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(4), "{all}");
    assert!(line(&all, "API key matches the environment").starts_with("[PASS]"));
    assert!(line(&all, "API key is accepted").starts_with("[PASS]"));
    assert!(line(&all, "mTLS is enabled").starts_with("[FAIL]"));
    assert!(line(&all, "webhooks are set up").starts_with("[FAIL]"));
    assert!(line(&all, "IP allow-list").starts_with("[WARN]"));
    assert!(
        all.contains("guideline: Configure mTLS (https://docs.klarna.com/"),
        "{all}"
    );
    assert!(
        all.contains("to do: create one: klarna credentials setup"),
        "{all}"
    );

    // Set it up: a signing key, a webhook for payment events, an MTLS certificate presented, an allow-list.
    let client = fake.client();
    let key = client.signing_keys().create().send().await.unwrap();
    client
        .webhooks()
        .create(CreateWebhookRequest::new(
            "https://partner.example.com:8443/klarna".into(),
            vec!["payment.request.*".into()],
            WebhookEventVersion::V2,
            key.signing_key_id.clone(),
        ))
        .send()
        .await
        .unwrap();
    let (setup, d) = world.credentials_setup("mtls", &[]).await;
    assert_eq!(setup.status.code(), Some(0), "{}", text(&setup));
    let (cert, pem_key) = (d.join("certificate.pem"), d.join("key.pem"));
    fake.present_client_certificate(Some(&read(&cert))).unwrap();
    fake.set_allowed_ips("ENFORCED", &["203.0.113.0/24", "2001:db8::/32"]);

    let out = world
        .run(&[
            "doctor",
            "--mtls-cert",
            cert.to_str().unwrap(),
            "--mtls-key",
            pem_key.to_str().unwrap(),
        ])
        .await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(line(&all, "mTLS is enabled").starts_with("[PASS]"), "{all}");
    assert!(line(&all, "mTLS is enabled").contains("VALID"), "{all}");
    assert!(
        line(&all, "mTLS is enforced").starts_with("[WARN]"),
        "{all}"
    );
    assert!(
        line(&all, "webhook krn:partner:global:notification:webhook:").starts_with("[PASS]"),
        "{all}"
    );
    assert!(
        line(&all, "payment request events are subscribed").starts_with("[PASS]"),
        "{all}"
    );
    assert!(line(&all, "IP allow-list").starts_with("[PASS]"), "{all}");
    assert!(line(&all, "IP allow-list").contains("2 entries"), "{all}");
    no_secret(&out, &d);

    // Without the certificate the call presents none: a warning, not a failure.
    fake.present_client_certificate(None).unwrap();
    let out2 = world.run(&["doctor"]).await;
    assert_eq!(out2.status.code(), Some(0), "{}", text(&out2));
    assert!(
        line(&text(&out2), "mTLS is enabled").starts_with("[WARN]"),
        "{}",
        text(&out2)
    );
    assert!(line(&text(&out2), "mTLS is enabled").contains("NOT_PRESENT"));

    // A wrong key: the key check fails and the rest is skipped; a live key against test fails at once.
    let wrong = klarna(fake, &["doctor"], Some("klarna_test_api_wrong"), &[]).await;
    let all = text(&wrong);
    assert_eq!(wrong.status.code(), Some(4), "{all}");
    assert!(
        line(&all, "API key is accepted").starts_with("[FAIL]"),
        "{all}"
    );
    assert!(line(&all, "API key is accepted").contains("401"), "{all}");
    assert!(all.contains("[SKIP] webhooks"), "{all}");
    let live = klarna(fake, &["doctor"], Some("klarna_live_api_x"), &[]).await;
    let all = text(&live);
    assert_eq!(live.status.code(), Some(4), "{all}");
    assert!(
        line(&all, "API key matches the environment").starts_with("[FAIL]"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_urls_are_checked_before_anything_is_sent() {
    let world = World::start().await;
    let fake = &world.fake;
    let key = fake.client().signing_keys().create().send().await.unwrap();
    let body = world.path("hook.json");
    let hook = |url: &str| {
        serde_json::json!({
            "url": url,
            "event_types": ["payment.*"],
            "event_version": "v2",
            "signing_key_id": key.signing_key_id,
        })
        .to_string()
    };
    std::fs::write(&body, hook("https://partner.example.com:8080/klarna")).unwrap();
    let out = world
        .run(&["webhooks", "create", "--body", body.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("port 8080"), "{}", text(&out));
    assert!(
        fake.client()
            .webhooks()
            .list()
            .send()
            .await
            .unwrap()
            .webhooks
            .is_empty()
    );
    std::fs::write(&body, hook("https://partner.example.com:8443/klarna")).unwrap();
    let out = world
        .run(&["webhooks", "create", "--body", body.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        fake.client()
            .webhooks()
            .list()
            .send()
            .await
            .unwrap()
            .webhooks
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_enforces_in_one_run_when_the_new_certificate_is_valid() {
    let world = World::start().await;
    let fake = &world.fake;
    fake.present_next_issued_certificate();
    let (out, d) = world
        .credentials_setup("mtls", &["--enforce-from", "NOW"])
        .await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(
        all.contains("3. called Klarna with it: Klarna-Mtls-Verification-Status: VALID"),
        "{all}"
    );
    assert!(all.contains("mTLS is enforced from NOW"), "{all}");
    assert_eq!(fake.mtls_enforced_from().as_deref(), Some("NOW"));
    no_secret(&out, &d);
    // An enforcement time is checked before anything is created.
    let (out, e) = world
        .credentials_setup("early", &["--enforce-from", "2001-01-01T00:00:00Z"])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!e.join("key.pem").exists());
}
