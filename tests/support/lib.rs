//! Support code for the end-to-end tests: start a server on a real socket, submit jobs.
