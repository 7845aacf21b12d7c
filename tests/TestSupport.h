#pragma once

#include <QString>
#include <QTemporaryDir>

#include <string>

namespace neurino::test {

// Absolute path of a file in the source tree, e.g. sourcePath("resources/models/xor_mlp.neurino.json").
std::string sourcePath(const std::string& relative);

// Absolute path of a model template shipped in resources/models.
std::string templateFile(const std::string& name);

} // namespace neurino::test
