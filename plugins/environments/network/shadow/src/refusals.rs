//! What a simulated host cannot run beside its service's command, refused with what to
//! do instead.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::PlannedService;

/// Refuses `service` when its plan asks for preparation commands or companions: a
/// simulated host runs its service's one command.
pub fn refuse_more(service: &PlannedService) -> Result<(), PluginError> {
    if let Some(first) = service.prepare.first() {
        return Err(PluginError::new(format!(
            "service `{}` asks for preparation commands (`{}`), which the shadow environment \
             cannot run: each simulated host runs its service's one command",
            service.name, first.program
        )));
    }
    if let Some(companion) = service.companions.first() {
        return Err(PluginError::new(format!(
            "service `{}` asks for the companion `{}` (`{}`), which the shadow environment \
             cannot run: each simulated host runs its service's one command; Shadow captures \
             each host itself (config key `capture`, on by default)",
            service.name, companion.name, companion.command.program
        )));
    }
    Ok(())
}
