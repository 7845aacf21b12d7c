#include "app/gui/LayerReferenceDialog.h"

#include "core/graph/LayerRegistry.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace neurino {

namespace {

QString q(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString range(const ParamSpec& p)
{
    switch (p.type) {
    case ParamType::Int:
    case ParamType::Float:
    case ParamType::IntPair:
    case ParamType::IntList:
        return QString::number(p.minValue, 'g', 8) + " … " + QString::number(p.maxValue, 'g', 8);
    case ParamType::Choice:
    case ParamType::ChoicePair:
    case ParamType::ChoiceList: {
        QStringList choices;
        for (const auto& c : p.choices)
            choices << q(c);
        return choices.join(", ");
    }
    case ParamType::Bool:
        return "true / false";
    case ParamType::Text:
        return "any text";
    }
    return {};
}

} // namespace

QString LayerReferenceDialog::kindHtml(const LayerKind& k)
{
    QString html
        = "<h4><a name='" + q(k.name) + "'></a>" + q(k.name) + "</h4><p>" + q(k.explanation) + "</p>";
    if (k.params.empty())
        return html;
    html += "<table border='1' cellspacing='0' cellpadding='3'><tr><th>" + QObject::tr("parameter")
        + "</th><th>" + QObject::tr("type") + "</th><th>" + QObject::tr("default") + "</th><th>"
        + QObject::tr("range") + "</th><th>" + QObject::tr("meaning") + "</th></tr>";
    for (const ParamSpec& p : k.params) {
        const QString def = p.required() ? QObject::tr("required") : q(p.defaultValue.dump());
        html += "<tr><td><b>" + q(p.name) + "</b></td><td>" + q(paramTypeName(p.type)) + "</td><td>" + def
            + "</td><td>" + range(p) + "</td><td>" + q(p.help) + "</td></tr>";
    }
    return html + "</table>";
}

QString LayerReferenceDialog::html()
{
    QString html = "<h2>" + QObject::tr("Layers") + "</h2><p>"
        + QObject::tr("Shapes are those of one sample, channels first for images: (C, H, W).") + "</p>";
    QString category;
    for (const LayerKind& k : LayerRegistry::instance().kinds()) {
        if (q(k.category) != category) {
            category = q(k.category);
            html += "<h3 style='margin-top:18px'>" + category + "</h3>";
        }
        html += kindHtml(k);
    }
    return html;
}

LayerReferenceDialog::LayerReferenceDialog(QWidget* parent, const QString& kind)
    : QDialog(parent)
{
    setWindowTitle(tr("Layer Reference"));
    resize(820, 760);
    auto* browser = new QTextBrowser(this);
    browser->setHtml(html());
    if (!kind.isEmpty()) {
        setWindowTitle(tr("Layer Reference: %1").arg(kind));
        // Once the text is laid out.
        QTimer::singleShot(0, browser, [browser, kind] { browser->scrollToAnchor(kind); });
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser);
    layout->addWidget(buttons);
}

} // namespace neurino
