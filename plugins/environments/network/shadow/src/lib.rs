//! The shadow network environment: every service in the Shadow network simulator
