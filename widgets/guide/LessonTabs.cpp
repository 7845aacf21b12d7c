#include "widgets/guide/LessonTabs.h"

#include "core/util/Error.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/Leaderboard.h"

#include <QDesktopServices>
#include <QHeaderView>
#include <QInputDialog>
#include <QPushButton>
#include <QTableWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <map>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// The window's views a step can point to, by the name lessons give them: those the lessons' steps fill.
QString viewLabel(const std::string& view)
{
    static const std::map<std::string, const char*> labels { { "curves", "the loss curves" },
        { "roc", "the ROC curves" }, { "confusion", "the confusion matrix" },
        { "decision_boundary", "the decision boundary" }, { "importance", "what the network looks at" },
        { "pad_map", "the pad map" }, { "dqm_runs", "the run monitor" },
        { "gan_samples", "the generated showers" }, { "shower_physics", "the shower physics" },
        { "energy_resolution", "the energy resolution" }, { "pivot", "the pivot figure" } };
    const auto it = labels.find(view);
    return it == labels.end() ? QString() : LessonTabs::tr(it->second);
}

} // namespace

LessonTabs::LessonTabs(QWidget* parent)
    : QTabWidget(parent)
    , m_text(new QTextBrowser(this))
{
    setDocumentMode(true);
    m_text->setObjectName("guideText");
    // Links to the window's views ("view:roc") show the view; others open in the browser.
    m_text->setOpenLinks(false);
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == "view")
            emit viewRequested(url.path());
        else
            QDesktopServices::openUrl(url);
    });
    addTab(m_text, tr("Text"));
    addTab(createHintsPage(), tr("Hints"));
    addTab(createLeaderboardPage(), tr("Leaderboard"));
}

QWidget* LessonTabs::createHintsPage()
{
    auto* hintsPage = new QWidget(this);
    auto* hintsLayout = new QVBoxLayout(hintsPage);
    hintsLayout->setContentsMargins(0, 4, 0, 0);
    m_hints = new QTextBrowser(hintsPage);
    m_hints->setObjectName("guideHints");
    m_hintButton = new QPushButton(tr("Show a Hint"), hintsPage);
    m_hintButton->setObjectName("guideHintButton");
    m_hintButton->setToolTip(tr("Reveals the next hint; try on your own first"));
    hintsLayout->addWidget(m_hints, 1);
    hintsLayout->addWidget(m_hintButton, 0, Qt::AlignLeft);
    connect(m_hintButton, &QPushButton::clicked, this, &LessonTabs::showNextHint);
    return hintsPage;
}

QWidget* LessonTabs::createLeaderboardPage()
{
    auto* boardPage = new QWidget(this);
    auto* boardLayout = new QVBoxLayout(boardPage);
    boardLayout->setContentsMargins(0, 4, 0, 0);
    m_leaderboard = new QTableWidget(0, 5, boardPage);
    m_leaderboard->setObjectName("guideLeaderboard");
    m_leaderboard->setHorizontalHeaderLabels(
        { tr("Name"), tr("Model"), tr("Score"), tr("Parameters"), tr("Date") });
    m_leaderboard->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_leaderboard->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_leaderboard->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_leaderboard->horizontalHeader()->setStretchLastSection(true);
    m_submitButton = new QPushButton(tr("Add My Result…"), boardPage);
    m_submitButton->setObjectName("guideSubmitButton");
    boardLayout->addWidget(m_leaderboard, 1);
    boardLayout->addWidget(m_submitButton, 0, Qt::AlignLeft);
    connect(m_submitButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(
            this, tr("Leaderboard"), tr("Your name or your team's:"), QLineEdit::Normal, {}, &ok);
        if (ok && !name.trimmed().isEmpty())
            emit submitRequested(name.trimmed());
    });
    return boardPage;
}

void LessonTabs::setExercise(const exercises::Exercise* exercise, const QString& id)
{
    m_exercise = exercise;
    m_id = id;
    m_hintsShown = 0;
    updateHints();
    updateLeaderboard();
    setCurrentIndex(0);
}

void LessonTabs::showText(int step)
{
    const exercises::Exercise* e = m_exercise;
    if (!e) {
        m_text->setMarkdown(tr("Choose a lesson from the **Exercises** menu."));
        return;
    }
    QString markdown;
    try {
        if (step < 0) {
            markdown = qs(e->introText());
            if (!e->goals.empty()) {
                markdown += tr("\n\n**In this lesson you will**\n\n");
                for (const auto& goal : e->goals)
                    markdown += "- " + qs(goal) + "\n";
            }
            markdown += tr("\n\nPress **Run step** to begin with step 1.");
        } else {
            const exercises::Step& s = e->steps[std::size_t(step)];
            markdown = qs(e->stepText(s));
            const QString label = viewLabel(s.view);
            if (!label.isEmpty())
                markdown += tr("\n\n[Show %1 ›](view:%2)").arg(label, qs(s.view));
        }
    } catch (const Error& err) {
        markdown = tr("*The lesson's text cannot be read:* %1").arg(qs(err.what()));
    }
    m_text->setMarkdown(markdown);
}

void LessonTabs::updateHints()
{
    const exercises::Exercise* e = m_exercise;
    const int total = e ? int(e->hints.size()) : 0;
    QString markdown;
    for (int i = 0; i < m_hintsShown && i < total; ++i)
        markdown += tr("**Hint %1.** %2\n\n").arg(i + 1).arg(qs(e->hints[std::size_t(i)]));
    if (m_hintsShown == 0)
        markdown = total > 0 ? tr("This lesson has %n hint(s). Try on your own first; reveal them one at a "
                                  "time when you are stuck.",
                       nullptr, total)
                             : tr("This lesson has no hints.");
    m_hints->setMarkdown(markdown);
    m_hintButton->setEnabled(m_hintsShown < total);
    m_hintButton->setText(m_hintsShown < total ? tr("Show Hint %1 of %2").arg(m_hintsShown + 1).arg(total)
                                               : tr("All Hints Shown"));
    setTabText(1, m_hintsShown > 0 ? tr("Hints (%1/%2)").arg(m_hintsShown).arg(total) : tr("Hints"));
}

bool LessonTabs::showNextHint()
{
    if (!m_exercise || m_hintsShown >= int(m_exercise->hints.size()))
        return false;
    ++m_hintsShown;
    updateHints();
    return true;
}

void LessonTabs::showHints()
{
    setCurrentIndex(1);
}

void LessonTabs::showLeaderboard()
{
    setCurrentIndex(2);
}

void LessonTabs::updateLeaderboard()
{
    m_leaderboard->setRowCount(0);
    if (m_id.isEmpty())
        return;
    try {
        const auto board = exercises::Leaderboard::load(m_id.toStdString());
        const auto& entries = board.entries();
        m_leaderboard->setRowCount(int(entries.size()));
        QStringList ranks;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& entry = entries[i];
            const QString parameters = entry.parameters > 0 ? QString::number(entry.parameters) : tr("—");
            const QStringList cells = { qs(entry.name), qs(entry.model), QString::number(entry.score, 'f', 4),
                parameters, qs(entry.date).left(10) };
            for (int c = 0; c < cells.size(); ++c)
                m_leaderboard->setItem(int(i), c, new QTableWidgetItem(cells[c]));
            ranks << QString::number(i + 1);
        }
        m_leaderboard->setVerticalHeaderLabels(ranks);
    } catch (const Error& e) {
        emit message(tr("The leaderboard cannot be read: %1").arg(qs(e.what())), true);
    }
}

void LessonTabs::setScore(std::optional<double> score)
{
    m_submitButton->setEnabled(score.has_value());
    m_submitButton->setToolTip(score
            ? tr("Adds your score %1 to the class's leaderboard").arg(QString::number(*score, 'f', 4))
            : tr("Run the lesson's steps first: the score is their check"));
}

} // namespace neurino
