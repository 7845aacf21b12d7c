#include "widgets/editor/QuickAddPopup.h"

#include "widgets/editor/NodeStyle.h"

#include "core/graph/LayerRegistry.h"

#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace neurino {

namespace {

// Other words students use for a layer (Keras's and PyTorch's names, abbreviations).
QString aliases(const QString& kind)
{
    static const QHash<QString, QString> words = { { "Dense", "fully connected linear fc mlp perceptron" },
        { "BatchNorm", "bn batchnormalization normalize" }, { "MaxPool2D", "maxpooling2d subsample" },
        { "MaxPool1D", "maxpooling1d" }, { "AvgPool2D", "averagepooling2d" },
        { "AvgPool1D", "averagepooling1d" }, { "Concat", "concatenate join merge" },
        { "ZeroPadding2D", "pad" }, { "UpSampling2D", "upsample enlarge" },
        { "ConvTranspose2D", "deconvolution conv2dtranspose upconv" },
        { "Conv2D", "convolution cnn filter kernel" }, { "Conv1D", "convolution sequence spectrum" },
        { "Add", "sum residual skip" }, { "Flatten", "vector" }, { "Input", "data features" },
        { "Output", "result prediction" }, { "Dropout", "regularization overfitting" },
        { "Softmax", "probabilities classes" }, { "Sigmoid", "logistic binary" } };
    return words.value(kind);
}

// Lower is better; -1 hides the kind.
int score(const LayerKind& kind, const QString& text)
{
    if (text.isEmpty())
        return 0;
    const QString name = QString::fromStdString(kind.name);
    if (name.startsWith(text, Qt::CaseInsensitive))
        return 0;
    if (name.contains(text, Qt::CaseInsensitive))
        return 1;
    if (aliases(name).contains(text, Qt::CaseInsensitive))
        return 2;
    if (QString::fromStdString(kind.category).contains(text, Qt::CaseInsensitive))
        return 3;
    if (QString::fromStdString(kind.explanation).contains(text, Qt::CaseInsensitive))
        return 4;
    return -1;
}

} // namespace

QuickAddPopup::QuickAddPopup(QWidget* parent)
    : QFrame(parent, Qt::Popup)
    , m_filter(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_explanation(new QLabel(this))
{
    setObjectName("quickAdd");
    setFrameStyle(QFrame::StyledPanel | QFrame::Raised);
    setMinimumWidth(380);
    m_filter->setObjectName("quickAddFilter");
    m_filter->setPlaceholderText(tr("Add a layer: type a name, e.g. conv, dense, pool…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_list->setObjectName("quickAddList");
    m_list->setFixedHeight(200); // a steady size while typing; about nine rows
    m_list->setUniformItemSizes(true);
    m_explanation->setWordWrap(true);
    m_explanation->setMinimumHeight(70);
    m_explanation->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_explanation->setStyleSheet("color: palette(window-text); padding: 4px;");

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    layout->addWidget(m_explanation);

    connect(m_filter, &QLineEdit::textChanged, this, &QuickAddPopup::setFilter);
    connect(m_list, &QListWidget::currentRowChanged, this, &QuickAddPopup::showExplanation);
    connect(m_list, &QListWidget::itemActivated, this, &QuickAddPopup::choose);
    connect(m_list, &QListWidget::itemClicked, this, &QuickAddPopup::choose);
    setFilter({});
}

void QuickAddPopup::popup(QPoint globalPos, const QString& text)
{
    m_filter->setText(text);
    setFilter(text);
    adjustSize();
    move(globalPos);
    show();
    raise();
    m_filter->setFocus();
}

void QuickAddPopup::setFilter(const QString& text)
{
    const QString needle = text.trimmed();
    std::vector<std::pair<int, const LayerKind*>> matches;
    for (const LayerKind& kind : LayerRegistry::instance().kinds()) {
        const int s = score(kind, needle);
        if (s >= 0)
            matches.emplace_back(s, &kind);
    }
    std::stable_sort(
        matches.begin(), matches.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    m_list->clear();
    for (const auto& [s, kind] : matches) {
        const QString name = QString::fromStdString(kind->name);
        auto* item = new QListWidgetItem(name + "   —   " + QString::fromStdString(kind->category), m_list);
        item->setData(Qt::UserRole, name);
        item->setToolTip(QString::fromStdString(kind->explanation));
        item->setForeground(NodeStyle::categoryColor(QString::fromStdString(kind->category)).darker(110));
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    showExplanation();
}

QStringList QuickAddPopup::visibleKinds() const
{
    QStringList kinds;
    for (int i = 0; i < m_list->count(); ++i)
        kinds << m_list->item(i)->data(Qt::UserRole).toString();
    return kinds;
}

QString QuickAddPopup::currentKind() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void QuickAddPopup::showExplanation()
{
    const QString kind = currentKind();
    const LayerKind* k = LayerRegistry::instance().find(kind.toStdString());
    m_explanation->setText(k
            ? "<b>" + kind + "</b>: " + QString::fromStdString(k->explanation).toHtmlEscaped()
            : tr("No layer matches; try another word."));
}

void QuickAddPopup::choose()
{
    const QString kind = currentKind();
    if (kind.isEmpty())
        return;
    hide();
    emit kindChosen(kind);
}

bool QuickAddPopup::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const int row = m_list->currentRow();
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(std::min(row + 1, m_list->count() - 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(std::max(row - 1, 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Tab:
            choose();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace neurino
