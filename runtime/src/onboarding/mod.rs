//! Helpers for Klarna's partner onboarding guidelines: rules the guides state that a request
//! body cannot express on its own.
//!
//! - [`bank_account`]: the salted Argon2id hash of a settlement IBAN or account number
//!   (`iban_hash`, `account_number_hash`), with the guide's preprocessing.
//! - [`MerchantCategoryCode`]: a four-digit merchant category code.
//! - [`legal_registration`]: per-country formats of `legal_registration_number`, and the German
//!   rule that `legal_registration_authority` must accompany it.
//!
//! Each module names the guide page it follows and says which rules no available source
//! confirms; the SDK does not make those up.

pub mod bank_account;
pub mod legal_registration;
mod merchant_category_code;

pub use merchant_category_code::{InvalidMerchantCategoryCode, MerchantCategoryCode};
