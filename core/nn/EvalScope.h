#pragma once

#include "core/nn/GraphModule.h"

namespace neurino {

// Evaluation mode for a scope (Dropout off, BatchNorm on its running statistics); the mode the module was
// in is restored after it.
class EvalScope {
public:
    explicit EvalScope(GraphModule& module)
        : m_module(module)
        , m_wasTraining(module->is_training())
    {
        m_module->eval();
    }
    ~EvalScope() { m_module->train(m_wasTraining); }
    EvalScope(const EvalScope&) = delete;
    EvalScope& operator=(const EvalScope&) = delete;

private:
    GraphModule& m_module;
    bool m_wasTraining;
};

} // namespace neurino
