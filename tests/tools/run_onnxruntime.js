// Runs ONNX models in ONNX Runtime (npm's onnxruntime-node, CPU) for Neurino's tests, many in one process:
//   node run_onnxruntime.js ORT_FOLDER JOB.json
// ORT_FOLDER holds node_modules/onnxruntime-node (scripts/neurino test installs it there). JOB.json is a list of
//   {"model": "m.onnx", "inputs": [{"name": "input", "file": "x.f32", "shape": [100, 6]}], "output": "y.f32"}
// Inputs and outputs are raw little-endian float32. Each model runs twice: with ONNX Runtime's graph
// optimisations off (the ONNX operators' own meaning, written to "output") and with its default ones, as a
// user's session has them (written to "output".optimized; when the session refuses the model, the line says
// why). Each job's output shape is printed as one JSON line.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
    const [folder, jobFile] = process.argv.slice(2);
    const ort = require(path.join(path.resolve(folder), 'node_modules', 'onnxruntime-node'));
    const jobs = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
    for (const job of jobs) {
        const feeds = {};
        for (const input of job.inputs) {
            const bytes = fs.readFileSync(input.file);
            const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
            feeds[input.name] = new ort.Tensor('float32', Float32Array.from(data), input.shape);
        }
        const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
        const run = async (level, file) => {
            const session = await ort.InferenceSession.create(job.model, { ...options, graphOptimizationLevel: level });
            const y = (await session.run(feeds))[session.outputNames[0]];
            fs.writeFileSync(file, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
            return { output: session.outputNames[0], shape: y.dims };
        };
        const plain = await run('disabled', job.output);
        let optimized = 'ok';
        try {
            await run('all', job.output + '.optimized');
        } catch (e) {
            optimized = String(e).split('\n')[0];
        }
        console.log(JSON.stringify({ model: job.model, ...plain, optimized }));
    }
}

main().catch((e) => {
    console.error(String(e && e.stack ? e.stack : e));
    process.exit(1);
});
