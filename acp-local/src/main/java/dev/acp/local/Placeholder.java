package dev.acp.local; final class Placeholder {}
