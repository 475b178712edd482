//! Assembling the command layer when a bot is built: collect every
//! module's commands, check them, and add the `commands` module.

use std::collections::HashMap;

use crate::command::{CommandHandler, CommandRouter, ROUTER, Router, RouterConfig};
use crate::{Config, Module, Result};

/// Each module's command handlers, by command name.
pub(crate) type Handlers = HashMap<String, CommandHandler>;

/// Adds the command router to `modules` when any module offers commands
/// (or `router` was given), and returns the handlers of each module, in
/// the order of `modules` after the addition.
///
/// # Errors
///
/// Whatever [`Router::new`] reports: bad names, collisions, bad settings.
pub(crate) fn assemble(
    config: &Config,
    modules: &mut Vec<Box<dyn Module>>,
    router: Option<CommandRouter>,
) -> Result<Vec<Handlers>> {
    let specs: Vec<_> = modules.iter().map(|m| m.commands()).collect();
    let mut handlers = Vec::with_capacity(modules.len() + 1);
    for (module, specs) in modules.iter().zip(&specs) {
        let name = module.manifest().name().to_owned();
        let mut map = Handlers::new();
        for spec in specs {
            let spec = spec.clone().normalize(&name)?;
            if let Some(handler) = spec.handler() {
                map.insert(spec.name().to_owned(), handler);
            }
        }
        handlers.push(map);
    }
    let offered = specs.iter().any(|s| !s.is_empty());
    let named_router = modules.iter().any(|m| m.manifest().name() == ROUTER);
    if named_router || !(offered || router.is_some()) {
        return Ok(handlers);
    }
    let settings: RouterConfig = config.section(ROUTER)?;
    let table = Router::new(settings, modules.iter().map(|m| m.manifest()).zip(specs))?;
    let mut router = router.unwrap_or_default();
    router.install(table);
    modules.push(Box::new(router));
    handlers.push(Handlers::new());
    Ok(handlers)
}
