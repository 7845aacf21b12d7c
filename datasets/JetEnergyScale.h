#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

// The jet energy scale of the 'higgs' generator's events, as a systematic shift applied after generation.
namespace neurino::datasets {

// The features a jet energy scale multiplies: the jets' transverse momenta and the masses built from jets
// only (m_jj, m_jjj, m_bb, m_wbb). The lepton, the missing energy and the masses with the lepton stay.
const std::vector<std::int64_t>& jetEnergyColumns();

// `features` (N, 28) of 'higgs' events with every jet energy multiplied by `scale`: one number for all
// events, or one per event (N). Throws DataError for another feature count or a scale of another length.
torch::Tensor scaleJetEnergy(const torch::Tensor& features, const torch::Tensor& scale);
torch::Tensor scaleJetEnergy(const torch::Tensor& features, double scale);

} // namespace neurino::datasets
