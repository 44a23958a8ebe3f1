#!/usr/bin/env bash
# Runs the whole test suite (the README's test command). Works on a fresh machine with the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test FourM.Grains.sln -c Release "$@"
