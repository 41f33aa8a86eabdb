//! Faults on demand: answers a test asks for instead of (or after) the fake's own, to exercise a client's
//! retry and timeout handling (see [`FakeKlarna::inject`](crate::FakeKlarna::inject)).

use std::time::Duration;

use axum::http::StatusCode;
use serde::Serialize;

use crate::ControlError;
use crate::reply::Reply;
use crate::stub_server::Operation;

/// What a faulty call gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Fault {
    /// `429` `ACCESS_ERROR` / `RATE_LIMITED` with `Retry-After` (whole seconds, rounded up).
    RateLimited {
        /// The wait the answer asks for.
        #[serde(serialize_with = "seconds")]
        retry_after: Duration,
    },
    /// `500` `TECHNICAL_ERROR` / `INTERNAL_ERROR`.
    InternalError,
    /// `502` `TECHNICAL_ERROR` / `BAD_GATEWAY`.
    BadGateway,
    /// `503` `TECHNICAL_ERROR` / `SERVICE_UNAVAILABLE`.
    ServiceUnavailable,
    /// `504` `TECHNICAL_ERROR` / `GATEWAY_TIMEOUT`.
    GatewayTimeout,
    /// Klarna's idle timeout (FACTS §5.3): `500` `TECHNICAL_ERROR` / `TIMEOUT`, "Request processing
    /// timeout.", which Klarna says is safe to retry.
    Timeout,
    /// The fake's own answer, after a delay (to run into a client's timeout).
    Slow {
        /// How long the answer is held back.
        #[serde(serialize_with = "seconds")]
        delay: Duration,
    },
    /// The connection is closed without an answer.
    DropConnection,
    /// The answer's head (with the full `Content-Length`) and the first half of its body are sent,
    /// then the connection is closed: the fake's own answer after processing, a `500`
    /// `INTERNAL_ERROR` before it.
    CutBody,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Fault {
    /// The error answer of this fault; `None` for [`Fault::Slow`], [`Fault::DropConnection`] and
    /// [`Fault::CutBody`], which change how the fake's own answer is sent.
    pub(crate) fn reply(self) -> Option<Reply> {
        let technical =
            |status, code, message: &str| Reply::error(status, "TECHNICAL_ERROR", code, message);
        Some(match self {
            Fault::RateLimited { retry_after } => {
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                Reply::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "ACCESS_ERROR",
                    "RATE_LIMITED",
                    "Too many requests: the rate limit of this API key is reached; retry after the time in Retry-After",
                )
                .with_header("retry-after", secs.to_string())
            }
            Fault::InternalError => technical(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_ERROR",
                "An unexpected error occurred (a fault injected into the fake)",
            ),
            Fault::BadGateway => technical(
                StatusCode::BAD_GATEWAY,
                "BAD_GATEWAY",
                "The gateway got no valid answer from the service (a fault injected into the fake)",
            ),
            Fault::ServiceUnavailable => technical(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "The service is unavailable (a fault injected into the fake)",
            ),
            Fault::GatewayTimeout => technical(
                StatusCode::GATEWAY_TIMEOUT,
                "GATEWAY_TIMEOUT",
                "The gateway timed out waiting for the service (a fault injected into the fake)",
            ),
            Fault::Timeout => technical(
                StatusCode::INTERNAL_SERVER_ERROR,
                "TIMEOUT",
                "Request processing timeout.",
            ),
            Fault::Slow { .. } | Fault::DropConnection | Fault::CutBody => return None,
        })
    }
}

/// The fake's stateful resources, to aim a fault at every operation on one of them (both the
/// `/v2/accounts/{id}/...` and the `/v2/...` paths).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Resource {
    /// `.../payment/requests[/...]`.
    PaymentRequests,
    /// `.../payment/authorize`.
    Authorization,
    /// `.../payment/transactions[/...]` (capture, refund, void and reauthorize included).
    PaymentTransactions,
    /// `.../payment/captures[/...]`.
    PaymentCaptures,
    /// `.../payment/refunds[/...]`.
    PaymentRefunds,
    /// `.../notification/signing-keys[/...]`.
    SigningKeys,
    /// `.../notification/webhooks[/...]`.
    Webhooks,
}

impl Resource {
    /// Every resource, for parsing and listing.
    pub const ALL: [Resource; 7] = [
        Resource::PaymentRequests,
        Resource::Authorization,
        Resource::PaymentTransactions,
        Resource::PaymentCaptures,
        Resource::PaymentRefunds,
        Resource::SigningKeys,
        Resource::Webhooks,
    ];

    /// The path segments (after `/v2[/accounts/{id}]`) that name this resource.
    fn segments(self) -> [&'static str; 2] {
        match self {
            Resource::PaymentRequests => ["payment", "requests"],
            Resource::Authorization => ["payment", "authorize"],
            Resource::PaymentTransactions => ["payment", "transactions"],
            Resource::PaymentCaptures => ["payment", "captures"],
            Resource::PaymentRefunds => ["payment", "refunds"],
            Resource::SigningKeys => ["notification", "signing-keys"],
            Resource::Webhooks => ["notification", "webhooks"],
        }
    }

    /// The name used over HTTP (`payment-transactions`).
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::PaymentRequests => "payment-requests",
            Resource::Authorization => "authorization",
            Resource::PaymentTransactions => "payment-transactions",
            Resource::PaymentCaptures => "payment-captures",
            Resource::PaymentRefunds => "payment-refunds",
            Resource::SigningKeys => "signing-keys",
            Resource::Webhooks => "webhooks",
        }
    }

    /// The resource of an HTTP name (`payment-transactions`).
    pub fn parse(name: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Which calls a rule aims at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Target {
    Any,
    Operation(String),
    Resource(Resource),
}

/// When, relative to the fake's own processing, a fault strikes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Instead of processing: the call changes nothing (the default).
    #[default]
    Before,
    /// After processing: the call took effect (a capture is made, an idempotency key stored) but the
    /// client gets the fault, as when an answer is lost on the way back. A safe retry must not repeat
    /// the effect.
    After,
}

/// A fault and the calls it strikes: build with [`FaultRule::new`] and the methods here, install with
/// [`FakeKlarna::inject`](crate::FakeKlarna::inject).
///
/// By default a rule strikes the next call of any operation, once, before processing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultRule {
    fault: Fault,
    target: Target,
    /// How many more calls it strikes (`None`: every matching call).
    times: Option<u32>,
    /// The share of matching calls it strikes (1.0: all).
    share: f64,
    timing: Timing,
}

impl FaultRule {
    /// `fault` on the next call of any operation.
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            target: Target::Any,
            times: Some(1),
            share: 1.0,
            timing: Timing::Before,
        }
    }

    /// Only calls of the operation `O`, a marker type of [`stubs`](crate::stubs) (for example
    /// `stubs::payment::CapturePaymentTransaction`): a typo does not compile. The operation under
    /// `/v2/accounts/{id}/...` and its `...AsSubPartner` twin under `/v2/...` are different operations.
    pub fn on<O: Operation>(mut self) -> FaultRule {
        self.target = Target::Operation(O::OPERATION_ID.to_owned());
        self
    }

    /// Only calls of the operation with this `operationId`, checked against the specs when the rule is
    /// installed (for ids that come from outside Rust, such as the HTTP control surface).
    pub fn on_operation_id(mut self, operation_id: &str) -> FaultRule {
        self.target = Target::Operation(operation_id.to_owned());
        self
    }

    /// Only calls on `resource`, whatever the operation.
    pub fn on_resource(mut self, resource: Resource) -> FaultRule {
        self.target = Target::Resource(resource);
        self
    }

    /// Strikes the next `n` matching calls (the default is 1).
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = Some(n);
        self
    }

    /// Strikes every matching call until the rule is cleared.
    pub fn always(mut self) -> FaultRule {
        self.times = None;
        self
    }

    /// Strikes only this share (0.0 to 1.0) of the matching calls, chosen by a generator seeded with the
    /// fake's seed ([`FakeKlarnaBuilder::seed`](crate::FakeKlarnaBuilder::seed)), so a run repeats
    /// exactly. Combine with [`times`](Self::times) or [`always`](Self::always).
    pub fn share(mut self, share: f64) -> FaultRule {
        self.share = share;
        self
    }

    /// Processes the call first and then answers with the fault (see [`Timing::After`]).
    pub fn after_processing(mut self) -> FaultRule {
        self.timing = Timing::After;
        self
    }

    /// The fault.
    pub fn fault(&self) -> Fault {
        self.fault
    }
}

/// An installed rule, as [`FakeKlarna::faults`](crate::FakeKlarna::faults) shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FaultStatus {
    /// The id [`FakeKlarna::inject`](crate::FakeKlarna::inject) returned.
    pub id: u64,
    /// The rule, with `times` counting down as it strikes.
    pub rule: FaultRule,
    /// How many calls it struck so far.
    pub struck: u32,
}

/// A fault chosen for one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strike {
    pub(crate) fault: Fault,
    pub(crate) timing: Timing,
}

/// The installed rules and the generator that picks a share.
pub(crate) struct Faults {
    seed: u64,
    next_id: u64,
    rules: Vec<(FaultStatus, u64)>,
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Faults {
        Faults {
            seed,
            next_id: 1,
            rules: Vec::new(),
        }
    }

    /// Checks and installs a rule; `known` tells whether an operation id is in the specs.
    pub(crate) fn add(
        &mut self,
        rule: FaultRule,
        known: impl Fn(&str) -> bool,
    ) -> Result<u64, ControlError> {
        if !(0.0..=1.0).contains(&rule.share) {
            return Err(ControlError::invalid(format!(
                "share: {} is not between 0.0 and 1.0",
                rule.share
            )));
        }
        if rule.times == Some(0) {
            return Err(ControlError::invalid(
                "times: must be at least 1 (use always() for every call)",
            ));
        }
        if let Target::Operation(id) = &rule.target
            && !known(id)
        {
            return Err(ControlError::UnknownOperation {
                operation_id: id.clone(),
            });
        }
        let id = self.next_id;
        self.next_id += 1;
        // Each rule draws from its own sequence, so adding a rule does not change another's picks.
        let rng = self.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.rules.push((
            FaultStatus {
                id,
                rule,
                struck: 0,
            },
            rng,
        ));
        Ok(id)
    }

    pub(crate) fn list(&self) -> Vec<FaultStatus> {
        self.rules.iter().map(|(s, _)| s.clone()).collect()
    }

    pub(crate) fn clear(&mut self) -> usize {
        std::mem::take(&mut self.rules).len()
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(s, _)| s.id != id);
        self.rules.len() < before
    }

    /// The fault for a call of `operation` on the path segments `rest` (after `/v2[/accounts/{id}]`):
    /// the first installed rule that aims at it, has strikes left and (for a share) draws it. A rule that
    /// has used up its strikes is removed.
    pub(crate) fn strike(&mut self, operation: Option<&str>, rest: &[&str]) -> Option<Strike> {
        let mut found = None;
        for (status, rng) in &mut self.rules {
            let rule = &status.rule;
            let aims = match &rule.target {
                Target::Any => true,
                Target::Operation(id) => operation == Some(id.as_str()),
                Target::Resource(r) => rest.starts_with(&r.segments()),
            };
            if !aims || rule.times == Some(0) {
                continue;
            }
            if rule.share < 1.0 && unit(rng) >= rule.share {
                continue;
            }
            status.struck += 1;
            if let Some(n) = status.rule.times.as_mut() {
                *n -= 1;
            }
            found = Some(Strike {
                fault: status.rule.fault,
                timing: status.rule.timing,
            });
            break;
        }
        self.rules.retain(|(s, _)| s.rule.times != Some(0));
        found
    }
}

/// The next number in [0, 1) of a splitmix64 sequence.
fn unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_deterministic_for_a_seed_and_near_its_share() {
        let picks = |seed| {
            let mut faults = Faults::new(seed);
            faults
                .add(
                    FaultRule::new(Fault::InternalError).always().share(0.3),
                    |_| true,
                )
                .unwrap();
            (0..1000)
                .map(|_| faults.strike(None, &["payment", "requests"]).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        assert_ne!(picks(7), picks(8));
        let struck = picks(7).iter().filter(|p| **p).count();
        assert!((250..350).contains(&struck), "{struck} of 1000");
    }

    #[test]
    fn a_counted_rule_strikes_only_its_target_and_then_goes() {
        let mut faults = Faults::new(0);
        faults
            .add(
                FaultRule::new(Fault::Timeout)
                    .on_resource(Resource::PaymentTransactions)
                    .times(2),
                |_| true,
            )
            .unwrap();
        assert!(faults.strike(None, &["payment", "requests"]).is_none());
        assert!(
            faults
                .strike(None, &["payment", "transactions", "x", "capture"])
                .is_some()
        );
        assert!(
            faults
                .strike(None, &["payment", "transactions", "x"])
                .is_some()
        );
        assert!(
            faults
                .strike(None, &["payment", "transactions", "x"])
                .is_none()
        );
        assert!(faults.list().is_empty());
    }

    #[test]
    fn bad_rules_are_refused() {
        let mut faults = Faults::new(0);
        assert!(matches!(
            faults.add(FaultRule::new(Fault::Timeout).share(1.5), |_| true),
            Err(ControlError::InvalidInput { .. })
        ));
        assert!(matches!(
            faults.add(FaultRule::new(Fault::Timeout).times(0), |_| true),
            Err(ControlError::InvalidInput { .. })
        ));
        assert!(matches!(
            faults.add(
                FaultRule::new(Fault::Timeout).on_operation_id("nope"),
                |_| false
            ),
            Err(ControlError::UnknownOperation { .. })
        ));
    }
}
