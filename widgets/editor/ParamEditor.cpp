#include "widgets/editor/ParamEditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>

namespace neurino {

namespace {

using nlohmann::json;

// A double spin box that shows 0.001 and 1e-05 as written, not padded to a fixed number of decimals.
class FloatSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    QString textFromValue(double value) const override { return QString::number(value, 'g', 8); }
    double valueFromText(const QString& text) const override { return locale().toDouble(text.trimmed()); }
    QValidator::State validate(QString& text, int&) const override
    {
        bool ok = false;
        const QString t = text.trimmed();
        if (t.isEmpty() || t == "-" || t.endsWith('e', Qt::CaseInsensitive) || t.endsWith('.'))
            return QValidator::Intermediate;
        const double v = locale().toDouble(t, &ok);
        if (!ok)
            return QValidator::Invalid;
        return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
};

int clampInt(double v)
{
    return static_cast<int>(std::clamp(v, static_cast<double>(INT_MIN), static_cast<double>(INT_MAX)));
}

QSpinBox* makeSpinBox(const ParamSpec& desc, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setRange(clampInt(desc.minValue), clampInt(desc.maxValue));
    box->setKeyboardTracking(false); // typed numbers apply on Enter; arrows and the wheel at once
    box->setAccelerated(true);
    if (desc.name == "strides" && desc.minValue == 0)
        box->setSpecialValueText(QObject::tr("= pool"));
    return box;
}

QComboBox* makeComboBox(const ParamSpec& desc, QWidget* parent)
{
    auto* box = new QComboBox(parent);
    for (const std::string& choice : desc.choices)
        box->addItem(QString::fromStdString(choice));
    return box;
}

QString listText(const json& v)
{
    QStringList parts;
    if (v.is_array()) {
        for (const auto& e : v)
            parts << QString::number(e.get<long long>());
    }
    return parts.join(", ");
}

} // namespace

ParamEditor::ParamEditor(const ParamSpec& desc, QWidget* parent)
    : QWidget(parent)
    , m_desc(desc)
{
    setObjectName("param:" + QString::fromStdString(desc.name));
    build();
    const QString help = QString::fromStdString(desc.help);
    for (QWidget* field : m_fields) {
        field->setToolTip(help);
        field->setStatusTip(help);
    }
}

void ParamEditor::build()
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    switch (m_desc.type) {
    case ParamType::Int: {
        QSpinBox* box = makeSpinBox(m_desc, this);
        connect(box, &QSpinBox::valueChanged, this, &ParamEditor::report);
        m_fields.push_back(box);
        break;
    }
    case ParamType::Float: {
        auto* box = new FloatSpinBox(this);
        box->setDecimals(12);
        // Open-ended ranges (a learning rate's) end where a spin box can still show them.
        box->setRange(std::max(m_desc.minValue, -1e15), std::min(m_desc.maxValue, 1e15));
        box->setSingleStep(m_desc.maxValue <= 1.0 ? 0.05 : 0.1);
        box->setKeyboardTracking(false);
        connect(box, &QDoubleSpinBox::valueChanged, this, &ParamEditor::report);
        m_fields.push_back(box);
        break;
    }
    case ParamType::Bool: {
        auto* box = new QCheckBox(this);
        connect(box, &QCheckBox::toggled, this, &ParamEditor::report);
        m_fields.push_back(box);
        break;
    }
    case ParamType::Choice: {
        QComboBox* box = makeComboBox(m_desc, this);
        connect(box, &QComboBox::currentIndexChanged, this, &ParamEditor::report);
        m_fields.push_back(box);
        break;
    }
    case ParamType::IntPair:
    case ParamType::ChoicePair:
        for (int axis = 0; axis < 2; ++axis) {
            if (axis == 1)
                layout->addWidget(new QLabel(m_desc.type == ParamType::IntPair ? "×" : "/", this));
            QWidget* field = nullptr;
            if (m_desc.type == ParamType::IntPair) {
                QSpinBox* box = makeSpinBox(m_desc, this);
                connect(box, &QSpinBox::valueChanged, this, &ParamEditor::report);
                field = box;
            } else {
                QComboBox* box = makeComboBox(m_desc, this);
                connect(box, &QComboBox::currentIndexChanged, this, &ParamEditor::report);
                field = box;
            }
            field->setObjectName(axis == 0 ? "height" : "width");
            layout->addWidget(field, 1);
            m_fields.push_back(field);
        }
        return;
    case ParamType::Text:
    case ParamType::ChoiceList: {
        auto* edit = new QLineEdit(this);
        if (m_desc.type == ParamType::ChoiceList)
            edit->setPlaceholderText(QString::fromStdString(m_desc.choices.empty() ? "" : m_desc.choices[0]));
        connect(edit, &QLineEdit::editingFinished, this, &ParamEditor::report);
        m_fields.push_back(edit);
        break;
    }
    case ParamType::IntList: {
        auto* edit = new QLineEdit(this);
        edit->setPlaceholderText(m_desc.name == "shape" ? "1, 32, 32" : "8, 7, 8");
        edit->setValidator(
            new QRegularExpressionValidator(QRegularExpression(R"(\s*-?\d*(\s*,\s*-?\d*)*\s*)"), edit));
        connect(edit, &QLineEdit::editingFinished, this, &ParamEditor::report);
        m_fields.push_back(edit);
        break;
    }
    }
    for (QWidget* field : m_fields)
        layout->addWidget(field, 1);
}

void ParamEditor::setValue(const json& v)
{
    std::vector<std::unique_ptr<QSignalBlocker>> blockers;
    for (QWidget* field : m_fields)
        blockers.push_back(std::make_unique<QSignalBlocker>(field));
    auto choiceAt = [&](int axis) -> QString {
        if (v.is_string())
            return QString::fromStdString(v.get<std::string>());
        return QString::fromStdString(v.at(static_cast<std::size_t>(axis)).get<std::string>());
    };
    auto intAt = [&](int axis) -> int {
        return clampInt(v.is_number() ? v.get<double>() : v.at(static_cast<std::size_t>(axis)).get<double>());
    };
    switch (m_desc.type) {
    case ParamType::Int:
        static_cast<QSpinBox*>(m_fields[0])->setValue(intAt(0));
        break;
    case ParamType::Float:
        static_cast<QDoubleSpinBox*>(m_fields[0])->setValue(v.get<double>());
        break;
    case ParamType::Bool:
        static_cast<QCheckBox*>(m_fields[0])->setChecked(v.get<bool>());
        break;
    case ParamType::Choice:
        static_cast<QComboBox*>(m_fields[0])->setCurrentText(choiceAt(0));
        break;
    case ParamType::IntPair:
        for (int axis = 0; axis < 2; ++axis)
            static_cast<QSpinBox*>(m_fields[static_cast<std::size_t>(axis)])->setValue(intAt(axis));
        break;
    case ParamType::ChoicePair:
        for (int axis = 0; axis < 2; ++axis)
            static_cast<QComboBox*>(m_fields[static_cast<std::size_t>(axis)])->setCurrentText(choiceAt(axis));
        break;
    case ParamType::Text:
        static_cast<QLineEdit*>(m_fields[0])->setText(QString::fromStdString(v.get<std::string>()));
        break;
    case ParamType::ChoiceList: {
        QStringList names;
        for (const auto& e : v)
            names << QString::fromStdString(e.get<std::string>());
        static_cast<QLineEdit*>(m_fields[0])->setText(names.join(", "));
        break;
    }
    case ParamType::IntList: {
        auto* edit = static_cast<QLineEdit*>(m_fields[0]);
        edit->setText(listText(v));
        edit->setStyleSheet({});
        break;
    }
    }
}

json ParamEditor::value() const
{
    switch (m_desc.type) {
    case ParamType::Int:
        return static_cast<QSpinBox*>(m_fields[0])->value();
    case ParamType::Float:
        return static_cast<QDoubleSpinBox*>(m_fields[0])->value();
    case ParamType::Bool:
        return static_cast<QCheckBox*>(m_fields[0])->isChecked();
    case ParamType::Choice:
        return static_cast<QComboBox*>(m_fields[0])->currentText().toStdString();
    case ParamType::IntPair:
        return json::array(
            { static_cast<QSpinBox*>(m_fields[0])->value(), static_cast<QSpinBox*>(m_fields[1])->value() });
    case ParamType::ChoicePair:
        return json::array({ static_cast<QComboBox*>(m_fields[0])->currentText().toStdString(),
            static_cast<QComboBox*>(m_fields[1])->currentText().toStdString() });
    case ParamType::Text:
        return static_cast<QLineEdit*>(m_fields[0])->text().toStdString();
    case ParamType::ChoiceList: {
        json names = json::array();
        for (const QString& part :
            static_cast<QLineEdit*>(m_fields[0])->text().split(',', Qt::SkipEmptyParts))
            names.push_back(part.trimmed().toStdString());
        return names;
    }
    case ParamType::IntList: {
        json list = json::array();
        for (const QString& part :
            static_cast<QLineEdit*>(m_fields[0])->text().split(',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const long long n = part.trimmed().toLongLong(&ok);
            if (!ok)
                return json();
            list.push_back(n);
        }
        return list.empty() ? json() : list;
    }
    }
    return {};
}

void ParamEditor::report()
{
    const json v = value();
    if (v.is_null()) {
        // An unreadable shape is not applied; the field turns red until it is fixed.
        m_fields[0]->setStyleSheet("background: #ffebee;");
        return;
    }
    if (m_desc.type == ParamType::IntList)
        m_fields[0]->setStyleSheet({});
    emit edited(v);
}

} // namespace neurino
