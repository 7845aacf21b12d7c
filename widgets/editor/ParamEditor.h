#pragma once

#include "core/graph/LayerRegistry.h"

#include <QWidget>

#include <vector>

namespace neurino {

// The editor for one layer parameter, chosen by its type in the LayerRegistry: a spin box with the
// parameter's range for numbers, a check box, a combo box for choices, two of those for (height, width)
// pairs, a text field for shapes. It reports a user's change at once through `edited`.
class ParamEditor : public QWidget {
    Q_OBJECT

public:
    ParamEditor(const ParamSpec& desc, QWidget* parent = nullptr);

    const ParamSpec& desc() const { return m_desc; }
    // Shows a value without reporting it as an edit.
    void setValue(const nlohmann::json& value);
    nlohmann::json value() const;
    // The spin boxes, check box, combo boxes or line edit, in order (for keyboard focus and tests).
    const std::vector<QWidget*>& fields() const { return m_fields; }

signals:
    void edited(const nlohmann::json& value);

private:
    void build();
    void report();

    ParamSpec m_desc;
    std::vector<QWidget*> m_fields;
};

} // namespace neurino
