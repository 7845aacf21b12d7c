#pragma once

#include <stdexcept>
#include <string>

namespace neurino {

// Base of every error core reports. Caught at the GUI and CLI boundaries and shown to the user as is,
// so the message must say what is wrong, where (node, file, field, dataset path) and what to do.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A model description that cannot be used: bad JSON, unknown layer kind, impossible setting, bad wiring.
class ModelError : public Error {
public:
    using Error::Error;
};

// A dataset that does not fit: missing HDF5 path, wrong shape or type, empty split.
class DataError : public Error {
public:
    using Error::Error;
};

// A training run that cannot go on: non-finite loss, impossible configuration.
class TrainError : public Error {
public:
    using Error::Error;
};

// A file that cannot be read or written: missing, truncated, foreign, unwritable.
class IoError : public Error {
public:
    using Error::Error;
};

} // namespace neurino
