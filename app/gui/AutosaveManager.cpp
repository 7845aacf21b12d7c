#include "app/gui/AutosaveManager.h"

#include "core/graph/ModelJson.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

namespace neurino {

namespace {

constexpr const char* kSuffix = ".autosave.json";
constexpr const char* kFormat = "neurino-autosave";

QString lockPathFor(const QString& autosavePath)
{
    QString base = autosavePath;
    base.chop(static_cast<int>(qstrlen(kSuffix)));
    return base + ".lock";
}

} // namespace

QString AutosaveManager::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/autosave";
}

AutosaveManager::AutosaveManager(const QString& directory, QObject* parent)
    : QObject(parent)
    , m_directory(directory)
    , m_session(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

AutosaveManager::~AutosaveManager()
{
    if (!m_abandoned)
        discard();
}

QString AutosaveManager::filePath() const
{
    return m_directory + "/" + m_session + kSuffix;
}

void AutosaveManager::save(const ModelGraph& graph, const QString& originalFile)
{
    if (!QDir().mkpath(m_directory))
        throw IoError("cannot create the autosave folder '" + m_directory.toStdString() + "'");
    if (!m_lock) {
        m_lock = std::make_unique<QLockFile>(lockPathFor(filePath()));
        m_lock->setStaleLockTime(0);
        m_lock->tryLock(0);
    }
    nlohmann::json doc = { { "format", kFormat }, { "version", 1 }, { "file", originalFile.toStdString() },
        { "saved", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString() },
        { "model", modelToJson(graph) } };
    QSaveFile file(filePath());
    const QByteArray bytes = QByteArray::fromStdString(doc.dump(1));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw IoError("cannot write the autosave file '" + filePath().toStdString()
            + "': " + file.errorString().toStdString());
}

void AutosaveManager::discard()
{
    QFile::remove(filePath());
    if (m_lock) {
        m_lock->unlock();
        m_lock.reset();
    }
}

void AutosaveManager::abandon()
{
    m_abandoned = true;
    if (m_lock) {
        m_lock->unlock();
        m_lock.reset();
    }
}

QList<AutosaveManager::Entry> AutosaveManager::recoverable() const
{
    QList<Entry> entries;
    const QDir dir(m_directory);
    for (const QFileInfo& info : dir.entryInfoList({ QString("*") + kSuffix }, QDir::Files)) {
        if (info.absoluteFilePath() == QFileInfo(filePath()).absoluteFilePath())
            continue;
        // A session that is still running holds its lock; one that crashed left a stale or no lock.
        QLockFile lock(lockPathFor(info.absoluteFilePath()));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue;
        lock.unlock();
        Entry entry;
        entry.path = info.absoluteFilePath();
        entry.savedAt = info.lastModified();
        try {
            QFile file(entry.path);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const nlohmann::json doc = nlohmann::json::parse(file.readAll().toStdString());
            entry.originalFile = QString::fromStdString(doc.value("file", std::string()));
            entry.modelName = QString::fromStdString(doc.at("model").value("name", std::string()));
        } catch (const std::exception&) {
            continue; // not ours or damaged: leave it alone rather than offer garbage
        }
        entries.append(entry);
    }
    std::sort(
        entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.savedAt > b.savedAt; });
    return entries;
}

ModelGraph AutosaveManager::load(const Entry& entry)
{
    QFile file(entry.path);
    if (!file.open(QIODevice::ReadOnly))
        throw IoError("cannot read the autosave file '" + entry.path.toStdString() + "'");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(file.readAll().toStdString());
    } catch (const nlohmann::json::exception& e) {
        throw IoError("the autosave file '" + entry.path.toStdString() + "' is damaged: " + e.what());
    }
    if (doc.value("format", std::string()) != kFormat || !doc.contains("model"))
        throw IoError("'" + entry.path.toStdString() + "' is not a Neurino autosave file");
    return modelFromJson(doc.at("model"), entry.path.toStdString());
}

void AutosaveManager::remove(const Entry& entry)
{
    QFile::remove(entry.path);
    QFile::remove(lockPathFor(entry.path));
}

} // namespace neurino
