//! What the google-perftools execution environments share
