#pragma once

namespace neurino {

struct LayerBuildContext;

// The LibTorch side of each layer kind: LayerRegistry names one of these in every kind's description
// (LayerKind::build), and GraphModule calls it for each node. Each reads the node's canonical parameters and
// shapes from the context and fills in its body, activation, initializer and weighted layer. No LibTorch
// here, so that the registry's description stays light to include.
void buildInput(LayerBuildContext& c);
void buildPassThrough(LayerBuildContext& c); // Output
void buildDense(LayerBuildContext& c);
void buildConv1D(LayerBuildContext& c);
void buildConv2D(LayerBuildContext& c);
void buildConvTranspose2D(LayerBuildContext& c);
void buildMaxPool1D(LayerBuildContext& c);
void buildMaxPool2D(LayerBuildContext& c);
void buildAvgPool1D(LayerBuildContext& c);
void buildAvgPool2D(LayerBuildContext& c);
void buildUpSampling2D(LayerBuildContext& c);
void buildZeroPadding2D(LayerBuildContext& c);
void buildBatchNorm(LayerBuildContext& c);
void buildDropout(LayerBuildContext& c);
void buildFlatten(LayerBuildContext& c);
void buildReshape(LayerBuildContext& c);
void buildReLU(LayerBuildContext& c);
void buildLeakyReLU(LayerBuildContext& c);
void buildELU(LayerBuildContext& c);
void buildTanh(LayerBuildContext& c);
void buildSigmoid(LayerBuildContext& c);
void buildSoftmax(LayerBuildContext& c);
void buildAdd(LayerBuildContext& c);
void buildConcat(LayerBuildContext& c);

} // namespace neurino
