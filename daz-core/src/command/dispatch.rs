//! Running a routed command on its module: the runtime calls the
//! handler `#[commands]` wrote, then records the outcome.

use std::any::Any;
use tracing::Instrument;

use super::audit::{AuditOutcome, CommandAudit};
use super::invocation::Invocation;
use super::spec::CommandHandler;
use crate::{Context, Event, ModuleResult};

/// Runs `handler` for the invocation in `event` on `module`, publishes the
/// audit record, and on an error tells the user it failed (the error is
/// returned for the runtime to log and count).
pub(crate) async fn run(
    handler: CommandHandler,
    module: &mut (dyn Any + Send),
    ctx: &mut Context,
    event: &Event,
) -> ModuleResult {
    let call = event.payload::<Invocation>()?.clone();
    let span = tracing::info_span!(
        "command",
        command = call.command.as_str(),
        user = call.user.as_str(),
        room = call.room.as_str(),
        pm = call.pm,
    );
    let result = handler(module, ctx, &call).instrument(span).await;
    let outcome = match &result {
        Ok(()) => AuditOutcome::Ran,
        Err(e) => AuditOutcome::Failed {
            error: e.to_string(),
        },
    };
    ctx.publish(CommandAudit::of(&call, outcome));
    if result.is_err() {
        let text = format!("{}: sorry, {} failed.", call.user, call.display_name());
        if let Err(e) = call.reply_through(ctx, &text) {
            tracing::warn!(error = %e, "cannot tell the user a command failed");
        }
    }
    result
}
