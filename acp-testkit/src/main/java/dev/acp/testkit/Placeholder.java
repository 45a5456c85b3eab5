package dev.acp.testkit; final class Placeholder {}
