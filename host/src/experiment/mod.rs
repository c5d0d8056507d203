//! Reading an experiment: the file, its checks against the schema and the plugins,
//! and its expansion into tests.

pub mod definition;
pub mod model;
pub mod problems;
pub mod source;
pub mod validate;

pub use definition::{ComponentUse, MatrixCell, ServiceDefinition, TestDefinition};
pub use problems::Problem;
pub use source::SourceFile;
pub use validate::{Experiment, load, refusal};
