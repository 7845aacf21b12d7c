#include "app/gui/ModelDocument.h"

#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphLayout.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/NodeStyle.h"

#include "core/graph/ModelJson.h"
#include "core/io/Hdf5Model.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"

#include <QAbstractButton>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

// How often unsaved work is copied to the autosave folder, unless the setting autosave/intervalSeconds says
// otherwise.
constexpr int kAutosaveIntervalSeconds = 30;
constexpr int kMaxRecentFiles = 10;
constexpr const char* kModelFilter = "Neurino models (*.neurino.json);;JSON files (*.json);;All files (*)";
constexpr const char* kModelSuffix = ".neurino.json";
constexpr const char* kKerasFilter = "Keras models (*.h5 *.hdf5);;All files (*)";

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QString templatesDirectory()
{
    return QDir(qs(resourceDir()) + "/models").absolutePath();
}

// Templates and the lessons' model files ship with Neurino: they open as new, untitled models, so that
// saving never overwrites them.
bool isTemplateFile(const QString& path)
{
    const QString dir = QFileInfo(path).absoluteDir().absolutePath();
    return dir == templatesDirectory()
        || dir.startsWith(QDir(qs(resourceDir()) + "/exercises").absolutePath() + "/");
}

// True when some nodes sit on top of each other: a hand-written file without positions, say.
bool positionsOverlap(const ModelGraph& graph)
{
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (std::size_t j = i + 1; j < nodes.size(); ++j) {
            if (std::abs(nodes[i].x - nodes[j].x) < NodeStyle::kWidth
                && std::abs(nodes[i].y - nodes[j].y) < NodeStyle::kHeight)
                return true;
        }
    }
    return false;
}

QString lastDirectory()
{
    return QSettings().value("lastDirectory", QDir::homePath()).toString();
}

} // namespace

ModelDocument::ModelDocument(const Options& options, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_options(options)
    , m_dialogParent(dialogParent)
    , m_model(new GraphModel(this))
    , m_editor(new GraphEditor(m_model, this))
    , m_autosave(new AutosaveManager(AutosaveManager::defaultDirectory(), this))
    , m_autosaveTimer(new QTimer(this))
{
    QUndoStack* undo = m_editor->undoStack();
    connect(undo, &QUndoStack::cleanChanged, this, &ModelDocument::titleChanged);
    connect(undo, &QUndoStack::indexChanged, this, [this] {
        m_autosaveDirty = true;
        emit titleChanged();
    });
    connect(m_model, &GraphModel::modelReset, this, &ModelDocument::titleChanged);
    const int seconds = QSettings().value("autosave/intervalSeconds", kAutosaveIntervalSeconds).toInt();
    m_autosaveTimer->setInterval(std::max(1, seconds) * 1000);
    connect(m_autosaveTimer, &QTimer::timeout, this, [this] {
        if (m_autosaveDirty && isModified())
            autosaveNow();
    });
    if (m_options.autosave)
        m_autosaveTimer->start();
}

ModelDocument::~ModelDocument() = default;

QStringList ModelDocument::templateNames()
{
    QStringList names;
    for (const QFileInfo& info :
        QDir(templatesDirectory()).entryInfoList({ "*.neurino.json" }, QDir::Files, QDir::Name))
        names << info.fileName().chopped(static_cast<int>(qstrlen(kModelSuffix)));
    return names;
}

void ModelDocument::setGraph(const ModelGraph& graph, const QString& filePath, const QString& weightsFile)
{
    m_editor->resetGraph(graph);
    m_filePath = filePath;
    m_weightsFile = weightsFile;
    m_autosaveDirty = false;
    m_autosave->discard();
    emit titleChanged();
    emit graphReplaced();
}

void ModelDocument::newModel()
{
    ModelGraph graph;
    graph.setName("untitled");
    setGraph(graph, {});
}

bool ModelDocument::newFromTemplate(const QString& name)
{
    try {
        return openFile(qs(templatePath(name.toStdString())));
    } catch (const Error& e) {
        emit errorOccurred(tr("No such template"), qs(e.what()));
        return false;
    }
}

bool ModelDocument::openFile(const QString& path)
{
    if (path.endsWith(".h5", Qt::CaseInsensitive) || path.endsWith(".hdf5", Qt::CaseInsensitive))
        return importKeras(path);
    try {
        ModelGraph graph = loadModel(QFileInfo(path).absoluteFilePath().toStdString());
        const bool asTemplate = isTemplateFile(path);
        // Templates are stored as a plain column; arrange them (and overlapping files) for this screen.
        if (asTemplate || positionsOverlap(graph))
            arrange(graph);
        setGraph(graph, asTemplate ? QString() : QFileInfo(path).absoluteFilePath());
        if (asTemplate) {
            emit message(
                tr("New model from template %1.").arg(QFileInfo(path).fileName()), LogDock::Level::Info);
        } else {
            addRecentFile(m_filePath);
            QSettings().setValue("lastDirectory", QFileInfo(path).absolutePath());
            emit message(tr("Opened %1.").arg(QDir::toNativeSeparators(m_filePath)), LogDock::Level::Info);
        }
        const GraphAnalysis& a = m_model->analysis();
        if (!a.ok())
            emit message(tr("%n problem(s) in this model; see the Problems panel.", nullptr,
                             static_cast<int>(a.issues.size())),
                LogDock::Level::Warning);
        return true;
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot open model"), qs(e.what()));
        return false;
    }
}

void ModelDocument::arrange(ModelGraph& graph) const
{
    if (!m_layoutArea)
        return;
    for (const auto& [id, pos] : GraphLayout::compute(graph, m_layoutArea()))
        graph.setPosition(id, pos.x(), pos.y());
}

void ModelDocument::openImported(ModelGraph graph, const QString& origin)
{
    arrange(graph);
    setGraph(graph, QString(), QFileInfo(origin).absoluteFilePath());
    emit message(tr("Imported %1 from %2.").arg(qs(graph.name()), QDir::toNativeSeparators(origin)),
        LogDock::Level::Info);
}

void ModelDocument::openWithDialog()
{
    if (!maybeSave())
        return;
    const QString path
        = QFileDialog::getOpenFileName(m_dialogParent, tr("Open Model"), lastDirectory(), tr(kModelFilter));
    if (!path.isEmpty())
        openFile(path);
}

bool ModelDocument::importKeras(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    try {
        Hdf5Model imported = modelOfHdf5File(absolute.toStdString());
        ModelGraph& graph = imported.graph;
        // Keras files carry no positions: the layered layout makes the imported graph readable.
        if (imported.keras || positionsOverlap(graph))
            arrange(graph);
        // Untitled: Save writes a Neurino model file, never over the .h5. Its weights start the next run.
        setGraph(graph, {}, absolute);
        QSettings().setValue("lastDirectory", QFileInfo(absolute).absolutePath());
        const QString what = imported.keras
            ? tr("the Keras model %1 (Keras %2)")
                  .arg(QDir::toNativeSeparators(absolute), qs(imported.kerasVersion))
            : tr("the checkpoint %1").arg(QDir::toNativeSeparators(absolute));
        emit message(tr("Imported %1: %2 layers, %3 parameters, the weights checked against every layer.")
                         .arg(what)
                         .arg(graph.nodes().size())
                         .arg(imported.parameters),
            LogDock::Level::Info);
        return true;
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot import model"), qs(e.what()));
        return false;
    }
}

void ModelDocument::importKerasWithDialog()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_dialogParent, tr("Import Keras Model"), lastDirectory(), tr(kKerasFilter));
    if (!path.isEmpty())
        importKeras(path);
}

bool ModelDocument::saveTo(const QString& path)
{
    QString target = path;
    if (!target.endsWith(".json", Qt::CaseInsensitive))
        target += kModelSuffix;
    try {
        saveModel(m_model->graph(), target.toStdString());
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot save model"), qs(e.what()));
        return false;
    }
    m_filePath = QFileInfo(target).absoluteFilePath();
    m_editor->undoStack()->setClean();
    m_autosave->discard();
    m_autosaveDirty = false;
    addRecentFile(m_filePath);
    QSettings().setValue("lastDirectory", QFileInfo(target).absolutePath());
    emit message(tr("Saved %1.").arg(QDir::toNativeSeparators(m_filePath)), LogDock::Level::Info);
    emit statusMessage(tr("Saved %1").arg(QFileInfo(m_filePath).fileName()));
    emit titleChanged();
    return true;
}

bool ModelDocument::save()
{
    if (m_filePath.isEmpty())
        return saveAs();
    return saveTo(m_filePath);
}

bool ModelDocument::saveAs()
{
    const QString suggestion = m_filePath.isEmpty()
        ? lastDirectory() + "/" + qs(m_model->graph().name()) + kModelSuffix
        : m_filePath;
    const QString path
        = QFileDialog::getSaveFileName(m_dialogParent, tr("Save Model"), suggestion, tr(kModelFilter));
    return !path.isEmpty() && saveTo(path);
}

bool ModelDocument::maybeSave()
{
    if (!isModified() || !m_options.interactive)
        return true;
    const auto answer = QMessageBox::warning(m_dialogParent, tr("Unsaved changes"),
        tr("%1 has changes that are not saved. Save them?").arg(displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

bool ModelDocument::isModified() const
{
    return !m_editor->undoStack()->isClean();
}

QString ModelDocument::displayName() const
{
    return m_filePath.isEmpty() ? qs(m_model->graph().name()) : QFileInfo(m_filePath).fileName();
}

QStringList ModelDocument::recentFiles() const
{
    return QSettings().value("recentFiles").toStringList();
}

void ModelDocument::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue("recentFiles", files);
}

QList<ModelDocument::TemplateInfo> ModelDocument::templates()
{
    QList<TemplateInfo> infos;
    for (const QString& name : templateNames()) {
        TemplateInfo info { name, name, {} };
        try {
            const ModelGraph g = loadModel(templatePath(name.toStdString()));
            const GraphAnalysis a = g.analyze();
            info.label = tr("%1  (%2 parameters)").arg(name, qs(formatCount(a.totalParams().total())));
            info.description = qs(g.description());
        } catch (const Error& e) {
            info.description = qs(e.what());
        }
        infos << info;
    }
    return infos;
}

void ModelDocument::fillTemplateMenu(QMenu* menu)
{
    menu->setToolTipsVisible(true);
    for (const TemplateInfo& info : templates()) {
        const QString name = info.name;
        QAction* action = menu->addAction(info.label, this, [this, name] {
            if (maybeSave())
                newFromTemplate(name);
        });
        action->setToolTip(info.description);
        action->setStatusTip(info.description);
    }
}

void ModelDocument::fillRecentMenu(QMenu* menu)
{
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { rebuildRecentMenu(menu); });
}

void ModelDocument::rebuildRecentMenu(QMenu* menu)
{
    menu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction* action = menu->addAction(
            QStringLiteral("&%1  %2").arg(i + 1).arg(QFileInfo(path).fileName()), this, [this, path] {
                if (maybeSave())
                    openFile(path);
            });
        action->setStatusTip(QDir::toNativeSeparators(path));
        action->setEnabled(QFileInfo::exists(path));
    }
    if (files.isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
    menu->addSeparator();
    menu->addAction(tr("Clear List"), this, [] { QSettings().remove("recentFiles"); })
        ->setEnabled(!files.isEmpty());
}

void ModelDocument::autosaveNow()
{
    if (!m_options.autosave)
        return;
    try {
        m_autosave->save(m_model->graph(), m_filePath);
        m_autosaveDirty = false;
    } catch (const Error& e) {
        emit message(tr("Autosave failed: %1").arg(qs(e.what())), LogDock::Level::Warning);
    }
}

QList<AutosaveManager::Entry> ModelDocument::recoverableAutosaves() const
{
    return m_autosave->recoverable();
}

bool ModelDocument::recover(const AutosaveManager::Entry& entry)
{
    try {
        const ModelGraph graph = AutosaveManager::load(entry);
        setGraph(graph, entry.originalFile);
        // Recovered work is unsaved work: keep the document marked modified and the copy safe at once.
        m_editor->undoStack()->resetClean();
        emit titleChanged();
        autosaveNow();
        AutosaveManager::remove(entry);
        emit message(tr("Recovered unsaved work on %1 from %2.")
                         .arg(entry.modelName, entry.savedAt.toString(Qt::TextDate)),
            LogDock::Level::Info);
        return true;
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot recover"), qs(e.what()));
        return false;
    }
}

void ModelDocument::offerRecovery()
{
    const QList<AutosaveManager::Entry> entries = recoverableAutosaves();
    if (entries.isEmpty() || !m_options.interactive)
        return;
    const AutosaveManager::Entry& newest = entries.front();
    const QString from = newest.originalFile.isEmpty() ? tr("an unsaved model") : newest.originalFile;
    QMessageBox box(QMessageBox::Question, tr("Recover unsaved work?"),
        tr("Neurino did not close normally last time. An autosaved copy of %1 (\"%2\") from %3 "
           "was kept.")
            .arg(from, newest.modelName, newest.savedAt.toString(Qt::TextDate)),
        QMessageBox::NoButton, m_dialogParent);
    QPushButton* recoverButton = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
    QPushButton* discardButton = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box.addButton(tr("Decide Later"), QMessageBox::RejectRole);
    box.exec();
    if (box.clickedButton() == static_cast<QAbstractButton*>(recoverButton))
        recover(newest);
    else if (box.clickedButton() == static_cast<QAbstractButton*>(discardButton))
        AutosaveManager::remove(newest);
}

void ModelDocument::close()
{
    m_autosave->discard();
}

} // namespace neurino
