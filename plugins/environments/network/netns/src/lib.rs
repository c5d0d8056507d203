//! The netns network environment: each service in its own network namespace, with emulated links
