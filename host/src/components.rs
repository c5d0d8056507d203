//! The plugin components an experiment uses, loaded into this process once each.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::InputError;
use crate::experiment::Experiment;
use crate::registry::{
    Component, ExecutionEnvironmentHandle, LoadedPlugin, NetworkEnvironmentHandle, Registry,
    ServiceManagerHandle,
};

/// A loaded component and the directory its library is in.
pub struct Loaded<T> {
    /// The component.
    pub handle: Arc<T>,
    /// The directory holding its library.
    pub directory: PathBuf,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        Self {
            handle: Arc::clone(&self.handle),
            directory: self.directory.clone(),
        }
    }
}

/// Every component an experiment names, by plugin name.
#[derive(Default)]
pub struct Components {
    services: HashMap<String, Loaded<ServiceManagerHandle>>,
    networks: HashMap<String, Loaded<NetworkEnvironmentHandle>>,
    executions: HashMap<String, Loaded<ExecutionEnvironmentHandle>>,
}

impl Components {
    /// Loads every plugin the experiment's tests name.
    pub fn load(registry: &Registry, experiment: &Experiment) -> Result<Self, InputError> {
        let mut components = Self::default();
        for test in &experiment.tests {
            components.add(registry, &test.network.plugin)?;
            for service in &test.services {
                components.add(registry, &service.implementation)?;
                for execution in &service.execution {
                    components.add(registry, &execution.plugin)?;
                }
            }
        }
        Ok(components)
    }

    fn add(&mut self, registry: &Registry, name: &str) -> Result<(), InputError> {
        if self.services.contains_key(name)
            || self.networks.contains_key(name)
            || self.executions.contains_key(name)
        {
            return Ok(());
        }
        let entry = registry.find(name)?;
        let refused = |reason| {
            InputError::new(format!(
                "plugin '{name}' ({}): {reason}",
                entry.path.display()
            ))
        };
        let (plugin, manifest) = LoadedPlugin::load(&entry.path).map_err(refused)?;
        let directory = entry.path.parent().map(PathBuf::from).unwrap_or_default();
        match plugin.instantiate(&manifest).map_err(refused)? {
            Component::ServiceManager(h) => {
                let handle = Arc::new(h);
                self.services
                    .insert(name.to_owned(), Loaded { handle, directory });
            }
            Component::NetworkEnvironment(h) => {
                let handle = Arc::new(h);
                self.networks
                    .insert(name.to_owned(), Loaded { handle, directory });
            }
            Component::ExecutionEnvironment(h) => {
                let handle = Arc::new(h);
                self.executions
                    .insert(name.to_owned(), Loaded { handle, directory });
            }
        }
        Ok(())
    }

    /// The service manager called `name`.
    pub fn service(&self, name: &str) -> Option<&Loaded<ServiceManagerHandle>> {
        self.services.get(name)
    }

    /// The network environment called `name`.
    pub fn network(&self, name: &str) -> Option<&Loaded<NetworkEnvironmentHandle>> {
        self.networks.get(name)
    }

    /// The execution environment called `name`.
    pub fn execution(&self, name: &str) -> Option<&Loaded<ExecutionEnvironmentHandle>> {
        self.executions.get(name)
    }
}
