#include "app/gui/WelcomePage.h"

#include "app/gui/ModelDocument.h"

#include "core/run/RunFolder.h"
#include "exercises/ExerciseCatalog.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace neurino {

namespace {

constexpr int kRecentRuns = 8;
constexpr int kDataRole = Qt::UserRole;

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QListWidgetItem* addEntry(QListWidget* list, const QString& title, const QString& detail, const QString& data)
{
    auto* item = new QListWidgetItem(detail.isEmpty() ? title : title + "\n" + detail, list);
    item->setData(kDataRole, data);
    item->setToolTip(detail);
    return item;
}

} // namespace

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
    , m_lessons(new QListWidget)
    , m_templates(new QListWidget)
    , m_recentModels(new QListWidget)
    , m_recentRuns(new QListWidget)
    , m_atStart(new QCheckBox(tr("Show this page when Neurino starts")))
{
    setObjectName("welcomePage");
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(32, 24, 32, 24);
    outer->setSpacing(14);

    auto* title = new QLabel(tr("<h1 style='margin:0'>Welcome to Neurino</h1>"));
    auto* intro = new QLabel(tr("Compose a network from layers on the canvas, train it while its curves "
                                "grow, and look inside it. The lessons take you from XOR to real physics: "
                                "start with Lesson 0, or take the tour first."));
    intro->setWordWrap(true);
    outer->addWidget(title);
    outer->addWidget(intro);

    auto* buttons = new QHBoxLayout;
    auto* tour = new QPushButton(tr("Take the Two-Minute Tour"));
    tour->setObjectName("welcomeTour");
    tour->setDefault(true);
    auto* empty = new QPushButton(tr("Start an Empty Model"));
    auto* open = new QPushButton(tr("Open a Model…"));
    buttons->addWidget(tour);
    buttons->addWidget(empty);
    buttons->addWidget(open);
    buttons->addStretch(1);
    outer->addLayout(buttons);
    connect(tour, &QPushButton::clicked, this, &WelcomePage::tourRequested);
    connect(empty, &QPushButton::clicked, this, &WelcomePage::emptyModelRequested);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openRequested);

    auto* columns = new QHBoxLayout;
    columns->setSpacing(18);
    columns->addWidget(column(tr("Lessons"), m_lessons, tr("Each opens its guide, steps and checks")), 5);
    columns->addWidget(column(tr("Start from a template"), m_templates, tr("The lectures' networks")), 4);
    auto* recent = new QVBoxLayout;
    recent->addWidget(column(tr("Recent models"), m_recentModels, {}));
    recent->addWidget(column(tr("Recent training runs"), m_recentRuns, {}));
    columns->addLayout(recent, 4);
    outer->addLayout(columns, 1);
    outer->addWidget(m_atStart);
    connect(m_atStart, &QCheckBox::toggled, this, &WelcomePage::showAtStartChanged);

    m_lessons->setObjectName("welcomeLessons");
    m_templates->setObjectName("welcomeTemplates");
    m_recentModels->setObjectName("welcomeRecentModels");
    m_recentRuns->setObjectName("welcomeRecentRuns");
    for (QListWidget* list : { m_lessons, m_templates, m_recentModels, m_recentRuns }) {
        list->setWordWrap(true);
        list->setSpacing(3);
        list->setAlternatingRowColors(true);
    }
    const auto chosen = [](QListWidget* list, auto signal, WelcomePage* page) {
        connect(list, &QListWidget::itemActivated, page, [page, signal](QListWidgetItem* item) {
            const QString data = item->data(kDataRole).toString();
            if (!data.isEmpty() && (item->flags() & Qt::ItemIsEnabled))
                emit(page->*signal)(data);
        });
    };
    chosen(m_lessons, &WelcomePage::lessonChosen, this);
    chosen(m_templates, &WelcomePage::templateChosen, this);
    chosen(m_recentModels, &WelcomePage::modelChosen, this);
    chosen(m_recentRuns, &WelcomePage::runChosen, this);
    fillLessons();
    fillTemplates();
}

QWidget* WelcomePage::column(const QString& title, QListWidget* list, const QString& hint)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    layout->addWidget(label);
    if (!hint.isEmpty()) {
        auto* hintLabel = new QLabel(hint);
        hintLabel->setStyleSheet("color: palette(mid)");
        layout->addWidget(hintLabel);
    }
    layout->addWidget(list, 1);
    return box;
}

void WelcomePage::fillLessons()
{
    const auto& catalog = exercises::ExerciseCatalog::instance();
    for (const std::string& id : catalog.ids()) {
        const exercises::Exercise& e = catalog.exercise(id);
        QListWidgetItem* item
            = addEntry(m_lessons, tr("Lesson %1: %2").arg(e.number).arg(qs(e.title)), qs(e.summary), qs(id));
        const std::string why = catalog.unavailableReason(id);
        if (!why.empty()) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(tr("Not available here: %1").arg(qs(why)));
        }
    }
}

void WelcomePage::fillTemplates()
{
    for (const ModelDocument::TemplateInfo& info : ModelDocument::templates())
        addEntry(m_templates, info.label, info.description, info.name);
}

void WelcomePage::setShowAtStart(bool on)
{
    const QSignalBlocker quiet(m_atStart);
    m_atStart->setChecked(on);
}

void WelcomePage::refresh(const QStringList& recentFiles, const QString& runsFolder)
{
    m_recentModels->clear();
    for (const QString& path : recentFiles) {
        if (QFileInfo::exists(path))
            addEntry(m_recentModels, QFileInfo(path).fileName(), QDir::toNativeSeparators(path), path);
    }
    if (m_recentModels->count() == 0)
        addEntry(m_recentModels, tr("No models saved yet"), {}, {});

    m_recentRuns->clear();
    if (!runsFolder.isEmpty()) {
        const QFileInfoList runs
            = QDir(runsFolder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
        for (const QFileInfo& run : runs.mid(0, kRecentRuns)) {
            if (QFileInfo::exists(run.filePath() + "/" + QString::fromLatin1(kRunConfigFile)))
                addEntry(m_recentRuns, run.fileName(),
                    QLocale().toString(run.lastModified(), QLocale::ShortFormat), run.filePath());
        }
    }
    if (m_recentRuns->count() == 0)
        addEntry(m_recentRuns, tr("No training runs yet"), {}, {});
}

} // namespace neurino
