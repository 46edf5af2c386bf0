#!/usr/bin/env python3
"""Real inputs for the six development models, as .npy files.

    prepare_inputs.py DEPS_DIR OUT_DIR

Writes OUT_DIR/<model>/<input name>.npy from real data fetched by
scripts/fetch-models.sh: a page of printed text (OCR detector), one text line
cropped from it (recogniser and direction classifier, preprocessed as
PaddleOCR does), and recorded English speech (openWakeWord). The wake-word
chain is fed the way openWakeWord runs it: the embedding model receives
windows of the mel-spectrogram model's output on the speech, and the wake-word
head receives the embeddings; those intermediate tensors are computed with ONNX
Runtime (tools/ort-oracle/ort-run.js), so every model sees realistic data.
Also writes OUT_DIR/<model>/inputs.tsv: one line per input with the model's
input name, the .npy file name and the shape.
Runs with /usr/bin/python3 (numpy, PIL from Debian).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import wave

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, '..', '..', 'tools', 'ort-oracle', 'ort-run.js')


def save(out, model, name, array):
    d = os.path.join(out, model)
    os.makedirs(d, exist_ok=True)
    file = re.sub(r'[^A-Za-z0-9_.-]', '_', name) + '.npy'
    np.save(os.path.join(d, file), np.ascontiguousarray(array))
    with open(os.path.join(d, 'inputs.tsv'), 'a') as f:
        f.write('%s\t%s\t%s\n' % (name, file, ','.join(str(s) for s in array.shape)))


def ctc_decode_conf(probs, keys):
    """Greedy CTC decoding of one sequence of class probabilities [T, C]
    (class 0 is the blank; keys[i] is class i's text, keys[0] unused), as
    PaddleOCR's CTCLabelDecode: (text, the probabilities of the positions
    that gave its characters)."""
    idx = probs.argmax(axis=-1)
    out, conf, prev = [], [], 0
    for t, i in enumerate(idx):
        if i != prev and i != 0 and i < len(keys):
            out.append(keys[i])
            conf.append(float(probs[t, i]))
        prev = i
    return ''.join(out), conf


def ctc_decode(probs, keys):
    """The text of ctc_decode_conf."""
    return ctc_decode_conf(probs, keys)[0]


def text_lines(gray):
    """Row ranges of text lines in a page: runs of rows with dark pixels."""
    dark = (gray < 128).sum(axis=1) > 2
    lines, start = [], None
    for y, d in enumerate(dark):
        if d and start is None:
            start = y
        elif not d and start is not None:
            if y - start >= 8:
                lines.append((start, y))
            start = None
    return lines


def paddle_rec_input(line_rgb, height, width):
    """PaddleOCR recogniser/classifier preprocessing: BGR, resize to the
    height keeping the aspect ratio, scale to [-1, 1], pad right with 0."""
    w, h = line_rgb.size
    new_w = min(width, int(np.ceil(height * w / h)))
    img = np.asarray(line_rgb.resize((new_w, height), Image.BILINEAR), np.float32)
    img = img[:, :, ::-1].transpose(2, 0, 1) / 255.0
    img = (img - 0.5) / 0.5
    out = np.zeros((1, 3, height, width), np.float32)
    out[0, :, :, :new_w] = img
    return out


def ort(model_path, inputs, workdir):
    args = ['node', ORT_RUN, model_path, '--output-dir', workdir]
    for name, path in inputs.items():
        args += ['--input', '%s=%s' % (name, path)]
    res = json.loads(subprocess.check_output(args).decode().strip().splitlines()[-1])
    return [np.load(os.path.join(workdir, o['file'])) for o in res['outputs']]


def prepare_ocr(deps, out):
    """A printed page (detector) and its first text line (recogniser and
    direction classifier). Returns the line's recogniser input width."""
    images = os.path.join(deps, 'inputs', 'images')
    page = Image.open(os.path.join(images, 'opencv_imageTextN.png')).convert('RGB')
    det = np.asarray(page.resize((640, 640), Image.BILINEAR), np.float32)[:, :, ::-1] / 255.0
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    det = ((det - mean) / std).transpose(2, 0, 1)[None]
    save(out, 'ppocrv4_det', 'x', det.astype(np.float32))

    gray = np.asarray(page.convert('L'))
    y0, y1 = text_lines(gray)[0]
    cols = np.where((gray[y0:y1] < 128).any(axis=0))[0]
    line = page.crop((max(0, cols[0] - 4), max(0, y0 - 3), cols[-1] + 4, y1 + 3))
    # The recogniser reads the whole line at its natural aspect ratio (width
    # rounded up to a multiple of 8); the classifier takes PaddleOCR's 48x192.
    rec_width = int(np.ceil(48 * line.size[0] / line.size[1] / 8.0)) * 8
    save(out, 'ppocrv4_rec', 'x', paddle_rec_input(line, 48, rec_width))
    save(out, 'ppocr_cls_mobile_v2', 'x', paddle_rec_input(line, 48, 192))
    return rec_width


def prepare_wakeword(deps, out):
    """English speech at 16 kHz (int16-valued floats) for the mel model, and
    the embedding and wake-word models' inputs computed from it."""
    audio = os.path.join(deps, 'inputs', 'audio')
    models = os.path.join(deps, 'models')
    with wave.open(os.path.join(audio, 'asterisk_hello-world.wav')) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32)
    t = np.arange(int(len(pcm) * 16000 / rate)) * rate / 16000.0
    speech = np.interp(t, np.arange(len(pcm)), pcm).astype(np.float32)
    samples = speech[:32000] if len(speech) >= 32000 else np.pad(speech, (0, 32000 - len(speech)))
    mel_in = samples[None, :]
    save(out, 'oww_melspectrogram', 'input', mel_in)

    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, 'mel_in.npy')
        np.save(p, mel_in)
        mel = ort(os.path.join(models, 'oww_melspectrogram.onnx'), {'input': p}, tmp)[0]
        mel = np.squeeze(mel) / 10.0 + 2.0  # openWakeWord's scaling: frames x 32
        windows = np.stack([mel[i:i + 76] for i in range(0, 8 * 16, 8)])[..., None]
        windows = windows.astype(np.float32)
        save(out, 'oww_embedding', 'input_1', windows)
        p = os.path.join(tmp, 'emb_in.npy')
        np.save(p, windows)
        emb = ort(os.path.join(models, 'oww_embedding.onnx'), {'input_1': p}, tmp)[0]
        save(out, 'oww_alexa_v0.1', 'onnx::Flatten_0', emb.reshape(1, 16, 96).astype(np.float32))


def clear(out):
    os.makedirs(out, exist_ok=True)
    for m in os.listdir(out):
        manifest = os.path.join(out, m, 'inputs.tsv')
        if os.path.exists(manifest):
            os.remove(manifest)


def main():
    deps, out = sys.argv[1], sys.argv[2]
    clear(out)
    prepare_ocr(deps, out)
    prepare_wakeword(deps, out)
    print('prepare_inputs: wrote inputs for 6 models into %s' % out)


if __name__ == '__main__':
    main()
