#include "app/gui/TourOverlay.h"

#include <QApplication>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

#include <algorithm>

namespace neurino {

namespace {

constexpr int kCardWidth = 360;
constexpr int kMargin = 12;

} // namespace

TourOverlay::TourOverlay(QWidget* window, std::vector<Stop> stops)
    : QWidget(window)
    , m_stops(std::move(stops))
    , m_card(new QFrame(this))
    , m_title(new QLabel)
    , m_text(new QLabel)
    , m_progress(new QLabel)
    , m_back(new QPushButton(tr("Back")))
    , m_next(new QPushButton(tr("Next")))
{
    setObjectName("tourOverlay");
    setAttribute(Qt::WA_DeleteOnClose);
    setFocusPolicy(Qt::StrongFocus);
    m_card->setObjectName("tourCard");
    m_card->setAutoFillBackground(true);
    m_card->setFrameShape(QFrame::StyledPanel);
    m_card->setFixedWidth(kCardWidth);
    auto* layout = new QVBoxLayout(m_card);
    m_title->setStyleSheet("font-weight: bold; font-size: 13pt");
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    auto* buttons = new QHBoxLayout;
    auto* endButton = new QPushButton(tr("End Tour"));
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(endButton);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    layout->addLayout(buttons);
    connect(m_back, &QPushButton::clicked, this, &TourOverlay::back);
    connect(m_next, &QPushButton::clicked, this, &TourOverlay::next);
    connect(endButton, &QPushButton::clicked, this, &QWidget::close);
    // Shortcuts rather than key events: the focused button would take the arrow keys for itself.
    const auto shortcut = [this](QKeySequence key, auto slot) {
        auto* s = new QShortcut(key, this, this, slot);
        s->setContext(Qt::WidgetWithChildrenShortcut);
    };
    shortcut(QKeySequence(Qt::Key_Escape), [this] { close(); });
    shortcut(QKeySequence(Qt::Key_Right), [this] { next(); });
    shortcut(QKeySequence(Qt::Key_Left), [this] { back(); });
    window->installEventFilter(this);
}

QString TourOverlay::currentTitle() const
{
    return m_current >= 0 ? m_stops[m_current].title : QString();
}

void TourOverlay::start()
{
    setGeometry(parentWidget()->rect());
    show();
    raise();
    setFocus();
    showStop(0);
}

void TourOverlay::next()
{
    if (m_current + 1 < count())
        showStop(m_current + 1);
    else
        close();
}

void TourOverlay::back()
{
    if (m_current > 0)
        showStop(m_current - 1);
}

void TourOverlay::showStop(int index)
{
    m_current = index;
    const Stop& stop = m_stops[index];
    m_target = stop.show ? stop.show() : nullptr;
    // The panels the stop showed are laid out before the part is measured.
    QApplication::processEvents();
    raise();
    m_title->setText(stop.title);
    m_text->setText(stop.text);
    m_progress->setText(tr("%1 of %2").arg(index + 1).arg(count()));
    m_back->setEnabled(index > 0);
    m_next->setText(index + 1 < count() ? tr("Next") : tr("Done"));
    placeCard();
    m_next->setFocus();
}

// The card goes beside the lit part where there is room: right of it, left of it, below, or above.
void TourOverlay::placeCard()
{
    QWidget* window = parentWidget();
    setGeometry(window->rect());
    m_lit = m_target && m_target->isVisible()
        ? QRect(m_target->mapTo(window, QPoint(0, 0)), m_target->size()).adjusted(-4, -4, 4, 4)
        : QRect();
    m_card->adjustSize();
    const QSize card = m_card->size();
    QPoint at((width() - card.width()) / 2, (height() - card.height()) / 2);
    if (!m_lit.isEmpty()) {
        if (m_lit.right() + kMargin + card.width() < width())
            at = { m_lit.right() + kMargin, m_lit.top() + kMargin };
        else if (m_lit.left() - kMargin - card.width() > 0)
            at = { m_lit.left() - kMargin - card.width(), m_lit.top() + kMargin };
        else if (m_lit.bottom() + kMargin + card.height() < height())
            at = { m_lit.left() + kMargin, m_lit.bottom() + kMargin };
        else if (m_lit.top() - kMargin - card.height() > 0)
            at = { m_lit.left() + kMargin, m_lit.top() - kMargin - card.height() };
        else // a part as large as the window: the card sits inside it, at its top right
            at = { m_lit.right() - kMargin - card.width(), m_lit.top() + kMargin };
    }
    at.setX(std::clamp(at.x(), kMargin, std::max(kMargin, width() - card.width() - kMargin)));
    at.setY(std::clamp(at.y(), kMargin, std::max(kMargin, height() - card.height() - kMargin)));
    m_card->move(at);
    update();
}

void TourOverlay::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath dimmed;
    dimmed.addRect(rect());
    if (!m_lit.isEmpty()) {
        QPainterPath lit;
        lit.addRoundedRect(m_lit, 6, 6);
        dimmed = dimmed.subtracted(lit);
    }
    painter.fillPath(dimmed, QColor(0, 0, 0, 110));
    if (!m_lit.isEmpty()) {
        painter.setPen(QPen(QColor(255, 193, 7), 3));
        painter.drawRoundedRect(m_lit, 6, 6);
    }
}

// The overlay follows the window's size.
bool TourOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && m_current >= 0)
        placeCard();
    return QWidget::eventFilter(watched, event);
}

} // namespace neurino
