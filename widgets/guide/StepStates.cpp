#include "widgets/guide/StepStates.h"

#include <QObject>
#include <QPainter>
#include <QPixmap>

namespace neurino {

using State = ExerciseRunner::StepState;

namespace {

void drawMark(QPainter& p, State state)
{
    switch (state) {
    case State::Pending:
        break;
    case State::Running:
        p.setBrush(Qt::white);
        p.drawPolygon(QPolygonF({ QPointF(11, 9), QPointF(19, 14), QPointF(11, 19) }));
        break;
    case State::Done:
        p.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(QPolygonF({ QPointF(9, 14.5), QPointF(12.5, 18), QPointF(19, 10) }));
        break;
    case State::Failed:
        p.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(10, 10), QPointF(18, 18));
        p.drawLine(QPointF(18, 10), QPointF(10, 18));
        break;
    }
}

} // namespace

QIcon StepStates::icon(State state)
{
    QPixmap pixmap(28, 28);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF circle(4, 4, 20, 20);
    if (state == State::Pending) {
        p.setPen(QPen(QColor("#b0bec5"), 2.5));
        p.drawEllipse(circle);
        return QIcon(pixmap);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(state == State::Running ? QColor("#1e88e5")
            : state == State::Done     ? QColor("#43a047")
                                       : QColor("#e53935"));
    p.drawEllipse(circle);
    drawMark(p, state);
    p.end();
    return QIcon(pixmap);
}

QString StepStates::text(State state)
{
    switch (state) {
    case State::Running:
        return QObject::tr("running…");
    case State::Done:
        return QObject::tr("done");
    case State::Failed:
        return QObject::tr("failed");
    case State::Pending:
        break;
    }
    return {};
}

} // namespace neurino
