//! What the valgrind execution environments share: the command line and the XML report
