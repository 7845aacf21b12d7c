#include "tests/TestSupport.h"

#include <QProcess>
#include <QProcessEnvironment>

namespace neurino::test {

std::string sourcePath(const std::string& relative)
{
    return std::string(NEURINO_SOURCE_DIR) + "/" + relative;
}

std::string templateFile(const std::string& name)
{
    return sourcePath("resources/models/" + name + ".neurino.json");
}

ProcessResult runProcess(
    const QString& program, const QStringList& args, const QMap<QString, QString>& env, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (auto it = env.begin(); it != env.end(); ++it)
        environment.insert(it.key(), it.value());
    process.setProcessEnvironment(environment);
    process.start(program, args);
    ProcessResult r;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        r.err = "timed out after " + QString::number(timeoutMs / 1000) + " s";
        return r;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

} // namespace neurino::test
