//! The docker_compose network environment: one container per service on a bridge network
