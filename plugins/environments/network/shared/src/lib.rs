//! What the network environments share: subnets, names, the exit-code wrapper.
