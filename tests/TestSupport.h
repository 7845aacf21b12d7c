#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <string>

namespace neurino::test {

// Absolute path of a file in the source tree, e.g. sourcePath("resources/models/xor_mlp.neurino.json").
std::string sourcePath(const std::string& relative);

// Absolute path of a model template shipped in resources/models.
std::string templateFile(const std::string& name);

// What a program run by a test printed and returned; exitCode is -1 when it crashed or timed out.
struct ProcessResult {
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs `program` with `args` (and `env` added to this process's environment) as a user would, waiting at most
// `timeoutMs`.
ProcessResult runProcess(const QString& program, const QStringList& args,
    const QMap<QString, QString>& env = {}, int timeoutMs = 300000);

} // namespace neurino::test
