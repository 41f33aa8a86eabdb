//! What the server, the webhook workers and the controls share: the state under its lock, the recorded
//! deliveries and those still pending, and the fault rules.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use crate::faults::{Faults, Strike};
use crate::state::{Job, State};
use crate::{
    ControlError, Delivery, DeliveryFilter, FaultRule, FaultStatus, PaymentRequestView,
    PendingDelivery, TransactionView, Unsettled, WebhookRetry, fallback,
};

pub(crate) struct Shared {
    pub(crate) api_key: String,
    pub(crate) account_id: String,
    pub(crate) base_url: String,
    pub(crate) retry: WebhookRetry,
    /// Whether `/__control/` serves the HTTP controls.
    pub(crate) control: bool,
    pub(crate) state: Mutex<State>,
    pub(crate) deliveries: Mutex<Vec<Delivery>>,
    pub(crate) faults: Mutex<Faults>,
    /// Deliveries sent off and not finished, by their number.
    pub(crate) pending: Mutex<BTreeMap<u64, PendingDelivery>>,
    pub(crate) next_job: AtomicU64,
    pub(crate) idle: Notify,
    pub(crate) jobs: mpsc::UnboundedSender<Job>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn pending(&self) -> MutexGuard<'_, BTreeMap<u64, PendingDelivery>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn send(&self, jobs: Vec<Job>) {
        for mut job in jobs {
            job.seq = self.next_job.fetch_add(1, Ordering::SeqCst);
            self.pending().insert(
                job.seq,
                PendingDelivery {
                    webhook_id: job.webhook_id.clone(),
                    event_id: job.event_id.clone(),
                    event_type: job.event_type.clone(),
                    attempts: 0,
                    last_error: None,
                },
            );
            let seq = job.seq;
            if self.jobs.send(job).is_err() {
                self.finish_one(seq);
            }
        }
    }

    pub(crate) fn record(&self, delivery: Delivery) {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(delivery);
    }

    /// Notes an attempt of a pending delivery (`error`: why it failed).
    pub(crate) fn attempted(&self, seq: u64, error: Option<String>) {
        if let Some(p) = self.pending().get_mut(&seq) {
            p.attempts += 1;
            p.last_error = error;
        }
    }

    pub(crate) fn finish_one(&self, seq: u64) {
        let mut pending = self.pending();
        pending.remove(&seq);
        if pending.is_empty() {
            self.idle.notify_waiters();
        }
    }

    /// Runs a control under the lock and sends the deliveries it caused.
    pub(crate) fn control<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, ControlError>,
    ) -> Result<T, ControlError> {
        let mut state = self.lock();
        let result = f(&mut state);
        let jobs = std::mem::take(&mut state.outbox);
        drop(state);
        self.send(jobs);
        result
    }

    pub(crate) fn strike(&self, operation: Option<&str>, rest: &[&str]) -> Option<Strike> {
        self.faults().strike(operation, rest)
    }

    pub(crate) fn inject(&self, rule: FaultRule) -> Result<u64, ControlError> {
        self.faults().add(rule, fallback::is_operation)
    }

    pub(crate) fn fault_list(&self) -> Vec<FaultStatus> {
        self.faults().list()
    }

    pub(crate) fn clear_faults(&self) -> usize {
        self.faults().clear()
    }

    pub(crate) fn remove_fault(&self, id: u64) -> Result<(), ControlError> {
        if self.faults().remove(id) {
            Ok(())
        } else {
            Err(ControlError::not_found("fault rule", &id.to_string()))
        }
    }

    pub(crate) fn payment_request(&self, id: &str) -> Result<PaymentRequestView, ControlError> {
        let state = self.lock();
        state
            .requests
            .get(id)
            .map(|r| PaymentRequestView::of(id, r))
            .ok_or_else(|| ControlError::not_found("payment request", id))
    }

    pub(crate) fn transaction(&self, id: &str) -> Result<TransactionView, ControlError> {
        let state = self.lock();
        state
            .transactions
            .get(id)
            .map(|t| TransactionView::of(&state, t))
            .ok_or_else(|| ControlError::not_found("payment transaction", id))
    }

    pub(crate) fn deliveries_matching(&self, filter: &DeliveryFilter) -> Vec<Delivery> {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|d| filter.accepts(d))
            .cloned()
            .collect()
    }

    pub(crate) async fn settle(&self, within: Duration) -> Result<(), Unsettled> {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                tokio::pin!(idle);
                idle.as_mut().enable();
                if self.pending().is_empty() {
                    return;
                }
                idle.await;
            }
        };
        match tokio::time::timeout(within, wait).await {
            Ok(()) => Ok(()),
            Err(_) => {
                let pending: Vec<PendingDelivery> = self.pending().values().cloned().collect();
                if pending.is_empty() {
                    Ok(())
                } else {
                    Err(Unsettled {
                        waited: within,
                        pending,
                    })
                }
            }
        }
    }
}
