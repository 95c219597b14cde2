#!/usr/bin/env node
// Downloads a Whisper ONNX export in the layout ASR_ENGINE=whisper reads (Hugging Face Optimum /
// transformers.js): config.json, generation_config.json, preprocessor_config.json, tokenizer.json,
// onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx (plus their .onnx_data files when a
// model keeps weights outside the graph).
//
//   node scripts/whisper-download.mjs [--model onnx-community/whisper-base] [--dir $ASR_MODEL_DIR]
//
// Multilingual models (whisper-tiny, -base, -small, ...) transcribe Korean and English; the
// ".en" models English only. Files go to a temporary name first and are renamed when complete,
// so an interrupted download never leaves a half-written model behind. Exits non-zero with
// the reason when the network or a file is unavailable.
import fs from 'node:fs';
import path from 'node:path';

const REQUIRED = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'];
const OPTIONAL = ['onnx/encoder_model.onnx_data', 'onnx/decoder_model_merged.onnx_data', 'tokenizer_config.json'];

function parseArgs(argv) {
  const options = { model: 'onnx-community/whisper-base', dir: process.env.ASR_MODEL_DIR ?? '', host: process.env.HF_ENDPOINT ?? 'https://huggingface.co' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/whisper-download.mjs [--model <owner/name>] [--dir <ASR_MODEL_DIR>]');
      process.exit(0);
    } else if (arg === '--model' || arg === '--dir') options[arg.slice(2)] = argv[++i] ?? '';
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(options.model)) throw new Error(`--model must be <owner>/<name>, got ${JSON.stringify(options.model)}`);
  if (!options.dir) throw new Error('say where the model goes: --dir <path> or ASR_MODEL_DIR');
  return options;
}

async function download(url, target, required) {
  let response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
    throw new Error(`cannot reach ${new URL(url).host} (${cause}); this machine has no route to the model host. Download the files elsewhere and copy them into the directory with the same layout.`, { cause: error });
  }
  if (response.status === 404 && !required) return false;
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const out = fs.createWriteStream(partial);
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  fs.renameSync(partial, target);
  console.log(`  ${path.relative(process.cwd(), target) || target}  ${(bytes / 1e6).toFixed(1)} MB`);
  return true;
}

async function main() {
  const { model, dir, host } = parseArgs(process.argv.slice(2));
  console.log(`Whisper model ${model} → ${dir}`);
  for (const file of REQUIRED) await download(`${host}/${model}/resolve/main/${file}`, path.join(dir, file), true);
  for (const file of OPTIONAL) await download(`${host}/${model}/resolve/main/${file}`, path.join(dir, file), false);
  console.log(`done: set ASR_ENGINE=whisper and ASR_MODEL_DIR=${path.resolve(dir)}`);
}

main().catch((error) => {
  console.error(`whisper-download: ${error.message}`);
  process.exit(1);
});
