#!/usr/bin/env python3
"""PyTorch baseline for `fourm bench divae`: the same DiVAE-sized patched UNet and DDPM decode loop in plain PyTorch.

Same shapes and schedule as the .NET benchmark (random weights; guided-diffusion UNet with patch 4, model channels 256,
3 res blocks, attention at ds 4 and 8, channel_mult (1,2,2,2), 1 head; DDPM with sample prediction, linear betas
rescaled to zero terminal SNR, x0 clamped to [-1, 1]; noise from one seeded CPU generator per image), and the same
output line, so the two can be compared directly:

    python3 bench/pytorch_unet.py --batch 1,32 --steps 25 --device cuda --dtype bf16
    python3 bench/pytorch_unet.py --batch 1,2 --steps 2 --device cpu --dtype fp32 --size 32 --model-channels 32 \
        --res-blocks 1 --channel-mult 1,2 --attention 2 --iterations 1      # CPU smoke test
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


class GroupNorm32(nn.GroupNorm):
    """32-group norm computed in float32 (weights kept in float32 too)."""

    def forward(self, x):
        return F.group_norm(x.float(), self.num_groups, self.weight.float(), self.bias.float(), self.eps).to(x.dtype)


class ResBlock(nn.Module):
    def __init__(self, channels, out_channels, embedding_channels):
        super().__init__()
        self.in_norm = GroupNorm32(32, channels)
        self.in_conv = nn.Conv2d(channels, out_channels, 3, padding=1)
        self.embedding = nn.Linear(embedding_channels, out_channels)
        self.out_norm = GroupNorm32(32, out_channels)
        self.out_conv = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = nn.Identity() if channels == out_channels else nn.Conv2d(channels, out_channels, 1)

    def forward(self, x, emb):
        h = self.in_conv(F.silu(self.in_norm(x)))
        h = h + self.embedding(F.silu(emb)).to(h.dtype)[:, :, None, None]
        h = self.out_conv(F.silu(self.out_norm(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    def __init__(self, channels, heads=1):
        super().__init__()
        self.heads = heads
        self.norm = GroupNorm32(32, channels)
        self.qkv = nn.Conv1d(channels, 3 * channels, 1)
        self.proj = nn.Conv1d(channels, channels, 1)

    def forward(self, x, emb):
        b, c, h, w = x.shape
        flat = x.reshape(b, c, h * w)
        qkv = self.qkv(self.norm(flat)).reshape(b * self.heads, 3 * c // self.heads, h * w)
        q, k, v = qkv.split(c // self.heads, dim=1)
        scale = 1 / math.sqrt(math.sqrt(c // self.heads))
        weight = torch.softmax(((q * scale).transpose(1, 2) @ (k * scale)).float(), dim=-1).to(q.dtype)
        out = (v @ weight.transpose(1, 2)).reshape(b, c, h * w)
        return (flat + self.proj(out)).reshape(b, c, h, w)


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x, emb):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class Stage(nn.ModuleList):
    def forward(self, x, emb):
        for layer in self:
            x = layer(x, emb)
        return x


class PatchedUNet(nn.Module):
    def __init__(self, image_channels, latent_channels, patch, model_channels, res_blocks, attention, multipliers):
        super().__init__()
        self.patch, self.model_channels = patch, model_channels
        embedding = 4 * model_channels
        self.time = nn.Sequential(nn.Linear(model_channels, embedding), nn.SiLU(), nn.Linear(embedding, embedding))
        ch = multipliers[0] * model_channels
        self.inputs = nn.ModuleList([Stage([FirstConv(image_channels * patch * patch + latent_channels, ch)])])
        skips, ds = [ch], 1
        for level, mult in enumerate(multipliers):
            for _ in range(res_blocks):
                layers = [ResBlock(ch, mult * model_channels, embedding)]
                ch = mult * model_channels
                if ds in attention:
                    layers.append(Attention(ch))
                self.inputs.append(Stage(layers))
                skips.append(ch)
            if level != len(multipliers) - 1:
                self.inputs.append(Stage([Downsample(ch)]))
                skips.append(ch)
                ds *= 2
        self.middle = Stage([ResBlock(ch, ch, embedding), Attention(ch), ResBlock(ch, ch, embedding)])
        self.outputs = nn.ModuleList()
        for level, mult in reversed(list(enumerate(multipliers))):
            for i in range(res_blocks + 1):
                layers = [ResBlock(ch + skips.pop(), mult * model_channels, embedding)]
                ch = mult * model_channels
                if ds in attention:
                    layers.append(Attention(ch))
                if level and i == res_blocks:
                    layers.append(Upsample(ch))
                    ds //= 2
                self.outputs.append(Stage(layers))
        self.out_norm = GroupNorm32(32, ch)
        self.out_conv = nn.Conv2d(ch, image_channels * patch * patch, 3, padding=1)

    def timestep_features(self, t):
        half = self.model_channels // 2
        frequencies = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
        args = t.float()[:, None] * frequencies[None]
        return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)

    def forward(self, sample, t, condition):
        b, c, height, width = sample.shape
        p = self.patch
        gh, gw = height // p, width // p
        x = sample.reshape(b, c, gh, p, gw, p).permute(0, 1, 3, 5, 2, 4).reshape(b, c * p * p, gh, gw)
        x = torch.cat([x, F.interpolate(condition, size=(gh, gw), mode="nearest")], dim=1)
        emb = self.time(self.timestep_features(t).to(x.dtype))
        skips = []
        for stage in self.inputs:
            x = stage(x, emb)
            skips.append(x)
        x = self.middle(x, emb)
        for stage in self.outputs:
            x = stage(torch.cat([x, skips.pop()], dim=1), emb)
        x = self.out_conv(F.silu(self.out_norm(x)))
        return x.reshape(b, c, p, p, gh, gw).permute(0, 1, 4, 2, 5, 3).reshape(b, c, height, width)


class FirstConv(nn.Conv2d):
    def __init__(self, in_channels, out_channels):
        super().__init__(in_channels, out_channels, 3, padding=1)

    def forward(self, x, emb=None):
        return super().forward(x)


class Ddpm:
    """DDPM with sample prediction, linear betas rescaled to zero terminal SNR, x0 clamped, leading spacing."""

    def __init__(self, train_steps=1000):
        self.train_steps = train_steps
        betas = torch.linspace(1e-4, 0.02, train_steps, dtype=torch.float32)
        root = (1 - betas).cumprod(0).sqrt()
        first, last = root[0].clone(), root[-1].clone()
        root = (root - last) * (first / (first - last))
        bar = root ** 2
        alphas = torch.cat([bar[:1], bar[1:] / bar[:-1]])
        self.alphas_cumprod = alphas.cumprod(0)

    def timesteps(self, steps):
        ratio = self.train_steps // steps
        return [i * ratio for i in reversed(range(steps))]

    def step(self, output, t, previous, sample, noise):
        a_t = self.alphas_cumprod[t]
        a_prev = self.alphas_cumprod[previous] if previous >= 0 else torch.tensor(1.0)
        current_alpha = a_t / a_prev
        current_beta = 1 - current_alpha
        x0 = output.clamp(-1, 1)
        mean = (a_prev.sqrt() * current_beta / (1 - a_t)).to(sample.device) * x0 \
            + (current_alpha.sqrt() * (1 - a_prev) / (1 - a_t)).to(sample.device) * sample
        if t > 0:
            variance = ((1 - a_prev) / (1 - a_t) * current_beta).clamp(min=1e-20)
            mean = mean + variance.sqrt().to(sample.device) * noise.to(sample.device)
        return mean


@torch.no_grad()
def decode(unet, scheduler, condition, size, steps, seeds, dtype):
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    channels = 3

    def noise():
        return torch.cat([torch.randn(1, channels, size, size, generator=g) for g in generators])

    device = condition.device
    image = noise().to(device)
    timesteps = scheduler.timesteps(steps)
    for i, t in enumerate(timesteps):
        previous = timesteps[i + 1] if i + 1 < len(timesteps) else -1
        output = unet(image.to(dtype), torch.tensor([t], device=device), condition.to(dtype)).float()
        image = scheduler.step(output, t, previous, image, noise() if t > 0 else None)
    return image


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", default="1,32")
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--model-channels", type=int, default=256)
    parser.add_argument("--res-blocks", type=int, default=3)
    parser.add_argument("--channel-mult", default="1,2,2,2")
    parser.add_argument("--attention", default="4,8")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args()

    ints = lambda text: [int(v) for v in text.split(",") if v]
    device, dtype = torch.device(args.device), DTYPES[args.dtype]
    torch.manual_seed(0)
    unet = PatchedUNet(3, 32, 4, args.model_channels, args.res_blocks, ints(args.attention), ints(args.channel_mult))
    unet = unet.eval().to(device=device, dtype=dtype)
    scheduler = Ddpm()
    grid = args.size // 16
    for batch in ints(args.batch):
        condition = torch.randn(batch, 32, grid, grid).to(device)
        seeds = list(range(batch))

        def once():
            decode(unet, scheduler, condition, args.size, args.steps, seeds, dtype)
            if device.type == "cuda":
                torch.cuda.synchronize(device)

        for _ in range(args.warmup):
            once()
        start = time.perf_counter()
        for _ in range(args.iterations):
            once()
        seconds = (time.perf_counter() - start) / args.iterations
        print(f"bench divae impl=pytorch device={device.type} dtype={args.dtype} size={args.size} "
              f"model_channels={args.model_channels} steps={args.steps} batch={batch} "
              f"seconds_per_batch={seconds:.4f} images_per_s={batch / seconds:.3f}")


if __name__ == "__main__":
    main()
