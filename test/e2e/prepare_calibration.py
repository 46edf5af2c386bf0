#!/usr/bin/env python3
"""Real calibration samples for the six development models, disjoint from
the test inputs of prepare_inputs.py.

    prepare_calibration.py DEPS_DIR TEST_INPUTS_DIR OUT_DIR

Writes OUT_DIR/<model>/<n>.npy (single-input models), each of the shape of
the model's test input (TEST_INPUTS_DIR/<model>/inputs.tsv):
- ppocrv4_det: other pages and photos with text (opencv imageTextR, notes,
  skimage page / text, the defocused and motion-blurred text photos),
  preprocessed as PaddleOCR does;
- ppocrv4_rec, ppocr_cls_mobile_v2: the other text lines of the test page
  (opencv imageTextN; the test input is its first line, never used here);
- oww_melspectrogram: other recorded speech (Asterisk prompts, the ALSA test
  voice), 2 s windows at 16 kHz;
- oww_embedding, oww_alexa_v0.1: those windows through the openWakeWord chain
  (ONNX Runtime), as prepare_inputs.py feeds them.
Runs with /usr/bin/python3 (numpy, PIL).
"""
import os
import sys
import tempfile
import wave

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import prepare_inputs as pi  # noqa: E402

PAGES = ['opencv_imageTextR.png', 'opencv_notes.png', 'skimage_page.png', 'skimage_text.png',
         'opencv_text_defocus.jpg', 'opencv_text_motion.jpg']
SPEECH = ['asterisk_activated.wav', 'asterisk_calling.wav', 'asterisk_goodbye.wav',
          'Front_Center.wav']


def shape_of(inputs, model):
    with open(os.path.join(inputs, model, 'inputs.tsv')) as f:
        return [int(d) for d in f.readline().rstrip('\n').split('\t')[2].split(',')]


def save(out, model, i, array):
    d = os.path.join(out, model)
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, '%03d.npy' % i), np.ascontiguousarray(array.astype(np.float32)))


def ocr(deps, inputs, out, max_lines=16):
    images = os.path.join(deps, 'inputs', 'images')
    rec_w = shape_of(inputs, 'ppocrv4_rec')[3]
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    for i, name in enumerate(PAGES):
        page = Image.open(os.path.join(images, name)).convert('RGB')
        det = np.asarray(page.resize((640, 640), Image.BILINEAR), np.float32)[:, :, ::-1] / 255.0
        save(out, 'ppocrv4_det', i, ((det - mean) / std).transpose(2, 0, 1)[None])
    page = Image.open(os.path.join(images, 'opencv_imageTextN.png')).convert('RGB')
    gray = np.asarray(page.convert('L'))
    for n, (y0, y1) in enumerate(pi.text_lines(gray)[1:1 + max_lines]):
        cols = np.where((gray[y0:y1] < 128).any(axis=0))[0]
        line = page.crop((max(0, cols[0] - 4), max(0, y0 - 3), cols[-1] + 4, y1 + 3))
        save(out, 'ppocrv4_rec', n, pi.paddle_rec_input(line, 48, rec_w))
        save(out, 'ppocr_cls_mobile_v2', n, pi.paddle_rec_input(line, 48, 192))


def speech(deps, out):
    audio = os.path.join(deps, 'inputs', 'audio')
    models = os.path.join(deps, 'models')
    n = 0
    for name in SPEECH:
        with wave.open(os.path.join(audio, name)) as w:
            rate, ch = w.getframerate(), w.getnchannels()
            pcm = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32)
        pcm = pcm.reshape(-1, ch)[:, 0]
        t = np.arange(int(len(pcm) * 16000 / rate)) * rate / 16000.0
        s = np.interp(t, np.arange(len(pcm)), pcm).astype(np.float32)
        for start in range(0, max(1, len(s) - 32000 + 1), 32000):
            window = s[start:start + 32000]
            window = np.pad(window, (0, 32000 - len(window)))[None, :]
            save(out, 'oww_melspectrogram', n, window)
            with tempfile.TemporaryDirectory() as tmp:
                p = os.path.join(tmp, 'mel_in.npy')
                np.save(p, window)
                mel = pi.ort(os.path.join(models, 'oww_melspectrogram.onnx'), {'input': p}, tmp)[0]
                mel = np.squeeze(mel) / 10.0 + 2.0
                windows = np.stack([mel[i:i + 76] for i in range(0, 8 * 16, 8)])[..., None]
                save(out, 'oww_embedding', n, windows)
                p = os.path.join(tmp, 'emb_in.npy')
                np.save(p, windows.astype(np.float32))
                emb = pi.ort(os.path.join(models, 'oww_embedding.onnx'), {'input_1': p}, tmp)[0]
                save(out, 'oww_alexa_v0.1', n, emb.reshape(1, 16, 96))
            n += 1


def main():
    deps, inputs, out = sys.argv[1], sys.argv[2], sys.argv[3]
    ocr(deps, inputs, out)
    speech(deps, out)


if __name__ == '__main__':
    main()
