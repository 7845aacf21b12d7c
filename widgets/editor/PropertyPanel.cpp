#include "widgets/editor/PropertyPanel.h"

#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/ParamEditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace neurino {

namespace {

std::string ss(const QString& text)
{
    return text.toStdString();
}

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QLabel* wrappingLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

PropertyPanel::PropertyPanel(GraphEditor* editor, QWidget* parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_pages(new QStackedWidget(this))
{
    setObjectName("propertyPanel");

    // Model page.
    auto* modelPage = new QWidget(m_pages);
    auto* modelLayout = new QVBoxLayout(modelPage);
    m_modelText = wrappingLabel(modelPage);
    m_modelText->setObjectName("modelText");
    modelLayout->addWidget(m_modelText);
    modelLayout->addStretch();

    // Layer page.
    m_nodePage = new QWidget(m_pages);
    auto* nodeLayout = new QVBoxLayout(m_nodePage);
    nodeLayout->setSpacing(8);
    m_title = new QLabel(m_nodePage);
    m_title->setTextFormat(Qt::RichText);
    m_name = new QLineEdit(m_nodePage);
    m_name->setObjectName("nodeName");
    m_name->setToolTip(
        tr("The layer's name, shown on the canvas and in the summary; its id stays the same."));
    auto* nameRow = new QFormLayout;
    nameRow->addRow(tr("Name"), m_name);
    m_formHost = new QWidget(m_nodePage);
    m_form = new QFormLayout(m_formHost);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_info = wrappingLabel(m_nodePage);
    m_info->setObjectName("nodeInfo");
    m_message = wrappingLabel(m_nodePage);
    m_message->setObjectName("nodeMessage");
    m_message->setStyleSheet("color: #c62828;");
    m_message->hide();
    m_explanation = wrappingLabel(m_nodePage);
    m_explanation->setObjectName("explanation");
    m_explanation->setStyleSheet(
        "QLabel { background: #f1f5f9; border: 1px solid #cfd8dc; border-radius: 6px; padding: 8px; }");
    nodeLayout->addWidget(m_title);
    nodeLayout->addLayout(nameRow);
    nodeLayout->addWidget(m_formHost);
    nodeLayout->addWidget(m_message);
    nodeLayout->addWidget(m_info);
    nodeLayout->addWidget(m_explanation);
    nodeLayout->addStretch();

    m_pages->addWidget(modelPage);
    m_pages->addWidget(m_nodePage);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_pages);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    GraphModel* model = editor->model();
    connect(model, &GraphModel::modelReset, this, [this] { showSelection({}); });
    connect(model, &GraphModel::nodeUpdated, this, [this](const QString& id) {
        if (id == m_nodeId)
            refreshValues();
    });
    connect(model, &GraphModel::nodeRemoved, this, [this](const QString& id) {
        if (id == m_nodeId)
            showSelection({});
    });
    connect(model, &GraphModel::analysisChanged, this, [this] {
        if (m_nodeId.isEmpty())
            refreshModelPage();
        else
            refreshInfo();
    });
    connect(m_name, &QLineEdit::editingFinished, this, &PropertyPanel::applyName);
    showSelection({});
}

void PropertyPanel::showSelection(const QStringList& nodeIds)
{
    if (nodeIds.size() == 1 && m_editor->model()->graph().hasNode(ss(nodeIds.front()))) {
        buildNodePage(nodeIds.front());
        m_pages->setCurrentWidget(m_nodePage);
        return;
    }
    m_nodeId.clear();
    m_kind.clear();
    refreshModelPage();
    if (nodeIds.size() > 1) {
        m_modelText->setText(tr("<h3>%n layers selected</h3><p>Move them together, copy, duplicate or delete "
                                "them. Select a single layer to edit its settings.</p>",
            nullptr, static_cast<int>(nodeIds.size())));
    }
    m_pages->setCurrentIndex(0);
}

void PropertyPanel::refreshModelPage()
{
    const GraphModel* model = m_editor->model();
    const ModelGraph& g = model->graph();
    const ParamCount total = model->analysis().totalParams();
    QString text = QStringLiteral("<h3>%1</h3>").arg(qs(g.name()).toHtmlEscaped());
    if (!g.description().empty())
        text += QStringLiteral("<p>%1</p>").arg(qs(g.description()).toHtmlEscaped());
    text += tr(
        "<p>%n layer(s), %1 parameters (%2 trainable).</p>", nullptr, static_cast<int>(g.nodes().size()))
                .arg(qs(formatCount(total.total())), qs(formatCount(total.trainable)));
    text += tr(
        "<p style='color:#546e7a'>Select a layer to see and change its settings. Add layers by dragging "
        "them from the palette or by pressing <b>Tab</b> on the canvas; connect them by dragging from "
        "an output (bottom) to an input (top).</p>");
    m_modelText->setText(text);
}

void PropertyPanel::buildNodePage(const QString& id)
{
    const Node& node = m_editor->model()->graph().node(ss(id));
    const QString kind = qs(node.layer.kind);
    if (id != m_nodeId || kind != m_kind) {
        m_nodeId = id;
        m_kind = kind;
        m_message->hide();
        while (m_form->rowCount() > 0)
            m_form->removeRow(0);
        m_editors.clear();
        const LayerKind& k = LayerRegistry::instance().kind(node.layer.kind);
        for (const ParamSpec& desc : k.params) {
            const QString name = qs(desc.name);
            auto* editor = new ParamEditor(desc, m_formHost);
            auto* label = new QLabel(name, m_formHost);
            label->setToolTip(qs(desc.help));
            label->setBuddy(editor->fields().front());
            m_form->addRow(label, editor);
            m_editors.insert(name, editor);
            connect(editor, &ParamEditor::edited, this,
                [this, name](const nlohmann::json& value) { applyParam(name, value); });
        }
        if (k.params.empty())
            m_form->addRow(new QLabel(tr("<i>This layer has no settings.</i>"), m_formHost));
        const QColor color = NodeStyle::categoryColor(qs(k.category));
        m_title->setText(QStringLiteral("<span style='font-size:15pt; font-weight:bold; color:%1'>%2</span>"
                                        "&nbsp;&nbsp;<span style='color:#757575'>%3</span>")
                             .arg(color.name(), kind, qs(k.category)));
        m_explanation->setText(
            QStringLiteral("<b>%1</b><br/>%2").arg(kind, qs(k.explanation).toHtmlEscaped()));
    }
    refreshValues();
}

void PropertyPanel::refreshValues()
{
    const Node* node = m_editor->model()->graph().findNode(ss(m_nodeId));
    if (!node)
        return;
    if (!m_name->hasFocus() || m_name->text() != qs(node->name))
        m_name->setText(qs(node->name));
    for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
        const std::string param = ss(it.key());
        if (node->layer.params.contains(param))
            it.value()->setValue(node->layer.params.at(param));
    }
    refreshInfo();
}

void PropertyPanel::refreshInfo()
{
    const GraphModel* model = m_editor->model();
    const std::string id = ss(m_nodeId);
    if (!model->graph().hasNode(id))
        return;
    QString text = tr("<b>Output</b> %1 per sample<br/><b>Parameters</b> %2")
                       .arg(NodeStyle::shapeText(model->outputShape(id)),
                           NodeStyle::paramsText(model->parameterCount(id), /*detailed=*/true));
    QStringList inputs;
    for (const std::string& in : model->graph().inputsOf(id))
        inputs << qs(model->graph().node(in).name) + " " + NodeStyle::shapeText(model->outputShape(in));
    text += "<br/><b>" + tr("Input") + "</b> " + (inputs.isEmpty() ? tr("not connected") : inputs.join(", "));
    for (const std::string& problem : model->issuesOf(id))
        text += QStringLiteral("<p style='color:#c62828'><b>Problem:</b> %1</p>")
                    .arg(qs(problem).toHtmlEscaped());
    m_info->setText(text);
}

void PropertyPanel::applyParam(const QString& param, const nlohmann::json& value)
{
    QString why;
    if (m_editor->setParam(m_nodeId, param, value, &why)) {
        m_message->hide();
        return;
    }
    // Refused (e.g. a shape with a zero): say why and put the model's value back in the field.
    m_message->setText(why.toHtmlEscaped());
    m_message->show();
    refreshValues();
}

void PropertyPanel::applyName()
{
    if (m_nodeId.isEmpty())
        return;
    if (!m_editor->renameNode(m_nodeId, m_name->text()))
        refreshValues();
}

void PropertyPanel::focusName()
{
    if (m_nodeId.isEmpty())
        return;
    m_name->setFocus();
    m_name->selectAll();
}

} // namespace neurino
