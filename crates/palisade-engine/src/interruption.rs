//! What a transaction tells its host when a rule decided to stop the request.

/// The disruptive action behind an [`Interruption`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InterruptionAction {
    /// `deny` (or `block` mapped to deny): answer with the status.
    Deny,
    /// `drop`: close the connection (ModSecurity v3 reports it as a deny with the status).
    Drop,
    /// `redirect`: answer with the status and a `Location` of [`Interruption::redirect_url`].
    Redirect,
    /// A request body over `SecRequestBodyLimit` with `SecRequestBodyLimitAction Reject`, or a
    /// response body over its limit.
    BodyLimit,
}

/// A decision to stop the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interruption {
    /// The HTTP status to answer with.
    pub status: u16,
    /// What kind of interruption.
    pub action: InterruptionAction,
    /// The rule that decided it (0 when a body limit did).
    pub rule_id: i64,
    /// Where to redirect, for [`InterruptionAction::Redirect`].
    pub redirect_url: Option<String>,
    /// The log line of the deciding rule, with the `[client …]` prefix, as ModSecurity's
    /// intervention carries it.
    pub log: Option<String>,
}
