//! Running a routed command on its module: the runtime calls the
//! handler `#[commands]` wrote, then records the outcome.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tracing::Instrument;

use super::audit::{AuditOutcome, CommandAudit};
use super::invocation::Invocation;
use super::spec::CommandHandler;
use crate::{Context, Event, ModuleResult};

/// Runs `handler` for the invocation in `event` on `module`, publishes the
/// audit record, and on an error tells the user it failed (the error is
/// returned for the runtime to log and count). A handler that panics is
/// answered the same way, then the panic goes on to the runtime, which
/// restarts the module.
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
    let ran = AssertUnwindSafe(handler(module, ctx, &call).instrument(span))
        .catch_unwind()
        .await;
    let (outcome, failure) = match ran {
        Ok(Ok(())) => (AuditOutcome::Ran, None),
        Ok(Err(e)) => {
            let error = e.to_string();
            (AuditOutcome::Failed { error }, Some(Err(e)))
        }
        Err(payload) => {
            let error = crate::runtime::panic_message(&*payload);
            (AuditOutcome::Failed { error }, Some(Ok(payload)))
        }
    };
    ctx.publish(CommandAudit::of(&call, outcome));
    let Some(failure) = failure else {
        return Ok(());
    };
    let text = format!(
        "{}: sorry, {} failed.",
        crate::chat::as_typed(&call.user),
        call.display_name()
    );
    if let Err(e) = call.reply_through(ctx, &text) {
        tracing::warn!(error = %e, "cannot tell the user a command failed");
    }
    match failure {
        Err(e) => Err(e),
        Ok(payload) => std::panic::resume_unwind(payload),
    }
}
